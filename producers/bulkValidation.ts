import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../consumers/database.ts';
import { EVENT_TYPES } from '../schemas/events.ts';
import { buildSqlValidator, ENVELOPE_PATHS } from '../schemas/sqlValidator.ts';
import { CPR_HINT, redactCpr, validateLine, type Reason } from '../schemas/validate.ts';
import type { NumberedLine } from './lines.ts';

/**
 * Validation of a batch in bulk: DuckDB checks every line against SQL derived from the zod
 * schemas (schemas/sqlValidator.ts); only the lines it is not sure about are parsed by zod,
 * which has the last word and words the reasons. The result is the temp table `checked`:
 * one row per valid line with its envelope and data (column i keeps the input order).
 *
 * Lines are routed to one staging table per event type by a cheap look at their text, so each
 * type's SQL reads only its own lines. The route is only a hint: each type's SQL checks the
 * real top-level type, and a line routed wrongly is simply not vouched for and goes to zod.
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
  /** Lines zod had to decide (should be few: the benchmark and a test watch it). */
  decidedByZod: number;
}

const VALIDATOR = buildSqlValidator();
const ROUTED = new Set<string>(VALIDATOR.types.map((t) => t.type));
const OTHER = 'other';
const stagingTable = (route: string) => `raw_${route}`;
const ROUTES = [...VALIDATOR.types.map((t) => t.type), OTHER];
const TYPE_HINT = /"type"\s*:\s*"([A-Za-z]+)"/;

const STAGING_DDL = [
  ...ROUTES.map((r) => `CREATE OR REPLACE TEMP TABLE ${stagingTable(r)} (i INTEGER, body VARCHAR, maybe_cpr BOOLEAN)`),
  `CREATE OR REPLACE TEMP VIEW raw_all AS ${ROUTES.map((r) => `SELECT i, body FROM temp.${stagingTable(r)}`).join(' UNION ALL ')}`,
  `CREATE OR REPLACE TEMP TABLE checked (
     i INTEGER, ok BOOLEAN, event_id VARCHAR, type VARCHAR, schema_version VARCHAR, municipality VARCHAR,
     case_id VARCHAR, occurred_on VARCHAR, recorded_at VARCHAR, source VARCHAR, data VARCHAR)`,
];

/** One INSERT … SELECT over all covered types, each reading its own staging table and only its schema's paths. */
const CHECK_SQL = `INSERT INTO checked (i, ok, event_id, type, schema_version, municipality, case_id, occurred_on, recorded_at, source, data)
  ${VALIDATOR.types
    .map((tv) => {
      const dataIndex = tv.paths.indexOf('$.data') + 1;
      const envelope = ENVELOPE_PATHS.map((_, n) => `v${n + 1}`).join(', ');
      return `SELECT i, ${tv.predicate} AS ok, ${envelope}, v${dataIndex} FROM (${tv.lists(`temp.${stagingTable(tv.type)}`)})`;
    })
    .join('\nUNION ALL\n')}`;

export async function prepareStaging(conn: DuckDBConnection): Promise<void> {
  for (const ddl of STAGING_DDL) await conn.run(ddl);
}

/**
 * Empties the staging tables by creating them anew: a DELETE would leave the deleted rows'
 * storage behind in memory, batch after batch.
 */
export async function clearStaging(conn: DuckDBConnection): Promise<void> {
  await prepareStaging(conn);
}

export async function validateInBulk(conn: DuckDBConnection, lines: readonly NumberedLine[]): Promise<BulkVerdicts> {
  const rejected: RejectedLine[] = [];
  const lineOf: number[] = [];
  const routes = new Map<string, { i: number; text: string }[]>();
  for (const { line, text } of lines) {
    if (text.trim() === '') {
      rejected.push({ line, reasons: [{ path: 'line', rule: 'empty line; expected one JSON object' }], raw: text });
      continue;
    }
    const hint = TYPE_HINT.exec(text)?.[1];
    const route = hint !== undefined && ROUTED.has(hint) ? hint : OTHER;
    let bucket = routes.get(route);
    if (!bucket) routes.set(route, (bucket = []));
    bucket.push({ i: lineOf.length, text });
    lineOf.push(line);
  }
  for (const [route, bucket] of routes) {
    const app = await conn.createAppender(stagingTable(route), 'main', 'temp');
    for (const { i, text } of bucket) {
      app.appendInteger(i);
      app.appendVarchar(text);
      app.appendBoolean(CPR_HINT.test(text));
      app.endRow();
    }
    app.closeSync();
  }
  if (lineOf.length === 0) return { valid: 0, rejected, decidedByZod: 0 };

  if (routes.size > (routes.has(OTHER) ? 1 : 0)) await conn.run(CHECK_SQL);

  // Everything SQL did not vouch for goes to zod: invalid JSON, unknown types, and any doubt.
  const unsure = await queryRows<{ i: number; body: string }>(
    conn,
    `SELECT r.i, r.body FROM temp.raw_all r ANTI JOIN (SELECT i FROM temp.checked WHERE ok) c ON c.i = r.i ORDER BY r.i`,
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

/** Every event type has a route; a type without one would always go to zod (see the test). */
export const UNROUTED_TYPES = EVENT_TYPES.filter((t) => !ROUTED.has(t));
