import type { DuckDBConnection } from '@duckdb/node-api';
import { Sel104Error } from '../schemas/errors.ts';
import { inTransaction, queryValue } from './database.ts';
import { logRange, logEndPosition, logIdentity } from './embeddedLogReader.ts';
import { SERVICE_SPELLS_TABLE, ensureServiceSpells, keepServiceSpells } from './projection/serviceSpells.ts';
import { SUMMARY_TABLES, ensureSummaries, summarise } from './projection/summaries.ts';
import { TABLES, insertSql, selectSql, tableDdl } from './projection/tables.ts';

/**
 * The projector: reads the log from its checkpoint and appends each event to its projection
 * table. Rows and the checkpoint are committed in one DuckDB transaction, so a crash at any
 * moment leaves either the whole batch with its checkpoint or neither: nothing is skipped or
 * counted twice. Work is set-based: one INSERT … SELECT per event type per batch.
 */
const CHECKPOINT_DDL = `CREATE TABLE IF NOT EXISTS checkpoints (
  log VARCHAR NOT NULL,
  log_id VARCHAR NOT NULL,
  partition INTEGER NOT NULL,
  position BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
)`;

// Citizens by pseudonymous id, derived from the facts that name one.
const VIEWS = [
  `CREATE OR REPLACE VIEW citizen_cases AS
     SELECT municipality, citizen_id, case_id, birth_month, occurred_on, recorded_at FROM applications
     UNION ALL
     SELECT s.municipality, s.citizen_id, s.case_id, NULL, s.occurred_on, s.recorded_at FROM service_starts s WHERE s.citizen_id IS NOT NULL`,
  `CREATE OR REPLACE VIEW citizens AS
     SELECT municipality, citizen_id, max(birth_month) AS birth_month, count(DISTINCT case_id) AS cases,
            min(occurred_on) AS first_seen_on
     FROM citizen_cases GROUP BY municipality, citizen_id`,
];

export const PROJECTION_TABLES = TABLES.map((t) => t.name);

export async function ensureProjectionSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(CHECKPOINT_DDL);
  for (const t of TABLES) await conn.run(tableDdl(t));
  for (const v of VIEWS) await conn.run(v);
  await addComputedColumns(conn);
  await ensureSummaries(conn);
  await ensureServiceSpells(conn);
}

/** A table projected before one of its computed columns existed gets it, filled, when opened (and loses retired ones). */
async function addComputedColumns(conn: DuckDBConnection): Promise<void> {
  for (const t of TABLES) {
    for (const name of t.retired ?? []) await conn.run(`ALTER TABLE ${t.name} DROP COLUMN IF EXISTS ${name}`);
    for (const col of t.computed ?? []) {
      const found = await queryValue<bigint>(
        conn,
        `SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1 AND column_name = $2`,
        [t.name, col.name],
      );
      if (Number(found) > 0) continue;
      await conn.run(`ALTER TABLE ${t.name} ADD COLUMN ${col.name} ${col.type}`);
      await conn.run(`UPDATE ${t.name} SET ${col.name} = ${col.sql}`);
    }
  }
}

const ATTENDANCE = TABLES.find((t) => t.name === 'attendance')!;

/**
 * Appends the events of `source` (a relation with the log's columns) to their projection tables
 * and the attendance summaries and service spells; the caller holds the transaction and writes the checkpoint.
 * Attendance is most of the events: it is inserted straight from the source, and the few other
 * events are taken out once for the sixteen other tables (each of which would otherwise scan the
 * whole batch). With `positions`, the batch's registrations are found again in the attendance
 * table by their log positions (zone maps skip the rest); without (Kafka offsets are per
 * partition), they are staged in a temp table first.
 */
export async function projectEvents(conn: DuckDBConnection, source: string, positions?: { after: number; upTo: number }): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE projecting_other AS SELECT * FROM ${source} WHERE type <> '${ATTENDANCE.type}'`);
  for (const t of TABLES) if (t !== ATTENDANCE) await conn.run(insertSql(t, 'projecting_other'));
  await keepServiceSpells(conn, 'projecting_other');
  await conn.run(`DROP TABLE projecting_other`);
  if (positions) {
    await conn.run(insertSql(ATTENDANCE, source));
    await summarise(conn, `(SELECT * FROM attendance WHERE position > ${Math.trunc(positions.after)} AND position <= ${Math.trunc(positions.upTo)})`);
  } else {
    await conn.run(`CREATE OR REPLACE TEMP TABLE projecting_attendance AS ${selectSql(ATTENDANCE, source)}`);
    await conn.run(`INSERT INTO attendance SELECT * FROM projecting_attendance`);
    await summarise(conn, 'projecting_attendance');
    await conn.run(`DROP TABLE projecting_attendance`);
  }
}

/** The embedded log's checkpoint; a projection made from another log is refused. */
async function checkpoint(conn: DuckDBConnection, logId: string): Promise<number> {
  const row = (await conn.runAndReadAll(`SELECT log_id, position FROM checkpoints WHERE log = 'embedded' AND partition = 0`)).getRowsJS()[0];
  if (!row) {
    await conn.run(`INSERT INTO checkpoints VALUES ('embedded', $1, 0, 0, now())`, [logId]);
    return 0;
  }
  if (row[0] !== logId) {
    throw new Sel104Error(
      'SEL104_ERR_LOG_MISMATCH',
      `the projection was built from another log (${String(row[0])}, this log is ${logId}); run "sel104 rebuild"`,
    );
  }
  return Number(row[1]);
}

export interface ProjectProgress {
  position: number;
  end: number;
}

export interface CatchUpOptions {
  batchSize?: number;
  /** Stop at this position (default: the log's end when called). */
  until?: number;
  onProgress?: (p: ProjectProgress) => void;
}

/** Projects every event after the checkpoint up to the log's end as it stood at the call. */
export async function catchUp(conn: DuckDBConnection, { batchSize = 250_000, until, onProgress }: CatchUpOptions = {}): Promise<{ projected: number; position: number }> {
  const logId = await logIdentity(conn);
  const start = await checkpoint(conn, logId);
  const end = until ?? (await logEndPosition(conn));
  let position = start;
  while (position < end) {
    const next = Math.min(end, position + batchSize);
    const source = logRange(position, next);
    await inTransaction(conn, async () => {
      await projectEvents(conn, source, { after: position, upTo: next });
      await conn.run(`UPDATE checkpoints SET position = $1, updated_at = now() WHERE log = 'embedded' AND partition = 0`, [next]);
    });
    position = next;
    onProgress?.({ position, end });
  }
  return { projected: position - start, position };
}

/** Drops every projection and replays the whole log. Crash-safe: each batch commits with its checkpoint. */
export async function rebuild(conn: DuckDBConnection, opts: CatchUpOptions = {}): Promise<{ projected: number; position: number }> {
  await dropProjections(conn);
  return catchUp(conn, opts);
}

/** Drops every projection table and checkpoint (whichever log they came from) and recreates them empty. */
export async function dropProjections(conn: DuckDBConnection): Promise<void> {
  await inTransaction(conn, async () => {
    for (const v of ['citizens', 'citizen_cases']) await conn.run(`DROP VIEW IF EXISTS ${v}`);
    for (const t of TABLES) await conn.run(`DROP TABLE IF EXISTS ${t.name}`);
    for (const t of [...SUMMARY_TABLES, 'summary_parts', SERVICE_SPELLS_TABLE]) await conn.run(`DROP TABLE IF EXISTS ${t}`);
    await conn.run(`DROP TABLE IF EXISTS kafka_event_ids`);
    await conn.run(`DROP TABLE IF EXISTS checkpoints`);
  });
  await ensureProjectionSchema(conn);
}

export async function projectionPosition(conn: DuckDBConnection): Promise<number> {
  return Number((await queryValue<bigint | null>(conn, `SELECT max(position) FROM checkpoints WHERE log = 'embedded'`)) ?? 0);
}
