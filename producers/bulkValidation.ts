import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../consumers/database.ts';
import { buildSqlValidator, ENVELOPE_PATHS } from '../schemas/sqlValidator.ts';
import { CPR_HINT, redactCpr, validateLine, type Reason } from '../schemas/validate.ts';
import type { NumberedLine } from './lines.ts';

/**
 * Validation of a batch in bulk: DuckDB checks every line against SQL derived from the zod
 * schemas (schemas/sqlValidator.ts); only the lines it is not sure about are parsed by zod,
 * which has the last word and words the reasons. The result is the temp table `checked`:
 * one row per valid line with its envelope and data, in input order (column i).
 */

export interface RejectedLine {
  line: number;
  reasons: Reason[];
  raw: string;
}

export interface BulkVerdicts {
  /** Lines that passed, in `temp.checked` (ok = true). */
  valid: number;
  rejected: RejectedLine[];
  /** Lines zod had to decide (for the benchmark's curiosity; should be few). */
  decidedByZod: number;
}

const VALIDATOR = buildSqlValidator();

const STAGING_DDL = [
  `CREATE OR REPLACE TEMP TABLE raw_staging (i INTEGER, body VARCHAR, maybe_cpr BOOLEAN)`,
  `CREATE OR REPLACE TEMP TABLE checked (
     i INTEGER, ok BOOLEAN, event_id VARCHAR, type VARCHAR, schema_version VARCHAR, municipality VARCHAR,
     case_id VARCHAR, occurred_on VARCHAR, recorded_at VARCHAR, source VARCHAR, data VARCHAR)`,
];

/** One INSERT … SELECT over all covered types: each type reads only the paths its schema names. */
const CHECK_SQL = (() => {
  const selects = VALIDATOR.types.map((tv) => {
    const dataIndex = tv.paths.indexOf('$.data') + 1;
    const envelope = ENVELOPE_PATHS.map((_, n) => `v${n + 1}`).join(', ');
    return `SELECT i, ${tv.predicate} AS ok, ${envelope}, v${dataIndex} FROM (${tv.lists})`;
  });
  return `INSERT INTO checked (i, ok, event_id, type, schema_version, municipality, case_id, occurred_on, recorded_at, source, data)
    ${selects.join('\nUNION ALL\n')}`;
})();

export async function prepareStaging(conn: DuckDBConnection): Promise<void> {
  for (const ddl of STAGING_DDL) await conn.run(ddl);
}

export async function clearStaging(conn: DuckDBConnection): Promise<void> {
  await conn.run('DELETE FROM temp.raw_staging');
  await conn.run('DELETE FROM temp.checked');
}

export async function validateInBulk(conn: DuckDBConnection, lines: readonly NumberedLine[]): Promise<BulkVerdicts> {
  const rejected: RejectedLine[] = [];
  const lineOf: number[] = [];
  const app = await conn.createAppender('raw_staging', 'main', 'temp');
  for (const { line, text } of lines) {
    if (text.trim() === '') {
      rejected.push({ line, reasons: [{ path: 'line', rule: 'empty line; expected one JSON object' }], raw: text });
      continue;
    }
    app.appendInteger(lineOf.length);
    app.appendVarchar(text);
    app.appendBoolean(CPR_HINT.test(text));
    app.endRow();
    lineOf.push(line);
  }
  app.closeSync();
  if (lineOf.length === 0) return { valid: 0, rejected, decidedByZod: 0 };

  // try(): text that is not JSON gets no type (and so goes to zod) instead of failing the query.
  await conn.run(`CREATE OR REPLACE TEMP TABLE typed AS
    SELECT i, body, maybe_cpr, try(json_extract_string(body, '$.type')) AS type FROM temp.raw_staging`);
  await conn.run(CHECK_SQL);

  // Everything SQL did not vouch for goes to zod: invalid JSON, unknown types, and any doubt.
  const unsure = await queryRows<{ i: number; body: string }>(
    conn,
    `SELECT r.i, r.body FROM temp.raw_staging r ANTI JOIN (SELECT i FROM temp.checked WHERE ok) c ON c.i = r.i ORDER BY r.i`,
  );
  let rescued = 0;
  if (unsure.length > 0) {
    const fix = await conn.createAppender('checked', 'main', 'temp');
    for (const { i, body } of unsure) {
      const verdict = validateLine(body);
      if (!verdict.ok) {
        rejected.push({ line: lineOf[i]!, reasons: verdict.reasons, raw: redactCpr(body) });
        continue;
      }
      // Valid after all (say 1.0 for 1, or a ten-digit run that is no date): zod's reading is kept.
      const e = verdict.event;
      fix.appendInteger(i);
      fix.appendBoolean(true);
      for (const value of [e.eventId, e.type, String(e.schemaVersion), e.municipality, 'caseId' in e ? e.caseId : undefined, e.occurredOn, e.recordedAt, e.source, JSON.stringify(e.data)]) {
        if (value === undefined) fix.appendNull();
        else fix.appendVarchar(value);
      }
      fix.endRow();
      rescued++;
    }
    fix.closeSync();
  }
  rejected.sort((a, b) => a.line - b.line);
  return { valid: lineOf.length - (unsure.length - rescued), rejected, decidedByZod: unsure.length };
}
