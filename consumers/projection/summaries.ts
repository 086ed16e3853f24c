import type { DuckDBConnection } from '@duckdb/node-api';
import { queryValue } from '../database.ts';

/**
 * Summaries of the attendance table, kept by the projector in the same transaction as the rows
 * they summarise. Attendance is most of the events (a registration per citizen per planned day),
 * and two reports would otherwise read every registration on every request:
 *   attendance_days   registrations per municipality × offer × day × status (absence.sql)
 *   attendance_pairs  per municipality × case × offer: first and last day and the count
 *   attendance_pair_months  the same per month, with the days of the month that have a
 *                     registration as bits (day d is bit d − 1)
 *                     data-quality.sql checks each pair's registrations against the service spells
 *                     by their first and last day, then each month of the few pairs that fail, and
 *                     takes the registration days of the few months that fail from their bits: it
 *                     reads no registration unless a day has two (measured at scale 20: 1,458
 *                     pairs fail, 1,455 of their months, 3,568 registrations, where reading the
 *                     registrations of the failing pairs meant 153,498 of 6.4 M)
 * Each row keeps the latest recordedAt it covers. The reports use a summary only when the
 * request's --as-of is at or after every recordedAt in it, so an --as-of in the past reads the
 * registrations themselves: a summary changes how fast a report answers, never what it says.
 *
 * A key may have several rows: each projected batch appends its own aggregate (a part), and the
 * readers add the parts up (a count is a sum, a range is min … max). Merging each batch into one
 * row per key (an upsert through a primary key) cost about 0.3 s per 250,000 events, most of it at
 * COMMIT; appending costs the aggregate alone. When a table has grown to twice its size after
 * the last compaction, it is compacted to one row per key in the same transaction, so it stays
 * within about twice its number of keys whatever the batch sizes (many small HTTP posts).
 */
export const SUMMARY_TABLES = ['attendance_days', 'attendance_pairs', 'attendance_pair_months'] as const;
type SummaryTable = (typeof SUMMARY_TABLES)[number];

interface Summary {
  ddl: string;
  /** The aggregate of a relation with the summary's own columns ('n' counts, ranges and maxima merge). */
  merge(rows: string): string;
  /** The aggregate of a relation with attendance's columns. */
  aggregate(rows: string): string;
}

const SUMMARIES: Record<SummaryTable, Summary> = {
  attendance_days: {
    ddl: `CREATE TABLE IF NOT EXISTS attendance_days (
      municipality VARCHAR NOT NULL, offer_id VARCHAR NOT NULL, occurred_on DATE NOT NULL, status VARCHAR NOT NULL,
      n BIGINT NOT NULL, last_recorded_at TIMESTAMPTZ NOT NULL)`,
    aggregate: (rows) => `SELECT municipality, offer_id, occurred_on, status, count(*) AS n, max(recorded_at) AS last_recorded_at
      FROM ${rows} GROUP BY municipality, offer_id, occurred_on, status`,
    merge: (rows) => `SELECT municipality, offer_id, occurred_on, status, CAST(sum(n) AS BIGINT) AS n, max(last_recorded_at) AS last_recorded_at
      FROM ${rows} GROUP BY municipality, offer_id, occurred_on, status`,
  },
  attendance_pairs: {
    ddl: `CREATE TABLE IF NOT EXISTS attendance_pairs (
      municipality VARCHAR NOT NULL, case_id VARCHAR NOT NULL, offer_id VARCHAR NOT NULL,
      first_on DATE NOT NULL, last_on DATE NOT NULL, n BIGINT NOT NULL, last_recorded_at TIMESTAMPTZ NOT NULL,
      pair_hash UBIGINT NOT NULL)`,
    aggregate: (rows) => `SELECT municipality, case_id, offer_id, min(occurred_on) AS first_on, max(occurred_on) AS last_on, count(*) AS n,
      max(recorded_at) AS last_recorded_at, hash(municipality, case_id, offer_id) AS pair_hash
      FROM ${rows} GROUP BY municipality, case_id, offer_id`,
    merge: (rows) => `SELECT municipality, case_id, offer_id, min(first_on) AS first_on, max(last_on) AS last_on, CAST(sum(n) AS BIGINT) AS n,
      max(last_recorded_at) AS last_recorded_at, any_value(pair_hash) AS pair_hash
      FROM ${rows} GROUP BY municipality, case_id, offer_id`,
  },
  attendance_pair_months: {
    ddl: `CREATE TABLE IF NOT EXISTS attendance_pair_months (
      municipality VARCHAR NOT NULL, case_id VARCHAR NOT NULL, offer_id VARCHAR NOT NULL, month DATE NOT NULL,
      first_on DATE NOT NULL, last_on DATE NOT NULL, n BIGINT NOT NULL, days UINTEGER NOT NULL, last_recorded_at TIMESTAMPTZ NOT NULL,
      pair_hash UBIGINT NOT NULL)`,
    aggregate: (rows) => `SELECT municipality, case_id, offer_id, month, min(occurred_on) AS first_on, max(occurred_on) AS last_on, count(*) AS n,
      bit_or(CAST(1 AS UINTEGER) << (day(occurred_on) - 1)) AS days, max(recorded_at) AS last_recorded_at,
      hash(municipality, case_id, offer_id) AS pair_hash
      FROM (SELECT *, CAST(date_trunc('month', occurred_on) AS DATE) AS month FROM ${rows}) GROUP BY municipality, case_id, offer_id, month`,
    merge: (rows) => `SELECT municipality, case_id, offer_id, month, min(first_on) AS first_on, max(last_on) AS last_on, CAST(sum(n) AS BIGINT) AS n,
      bit_or(days) AS days, max(last_recorded_at) AS last_recorded_at, any_value(pair_hash) AS pair_hash
      FROM ${rows} GROUP BY municipality, case_id, offer_id, month`,
  },
};

/** One row per key: what a summary says, however its parts fell (tests compare summaries by it). */
export const consolidated = (table: SummaryTable): string => SUMMARIES[table].merge(table);

/** Per summary: its rows after the last compaction, and the rows appended since. */
const STATE_DDL = `CREATE TABLE IF NOT EXISTS summary_parts (name VARCHAR NOT NULL, compacted BIGINT NOT NULL, appended BIGINT NOT NULL)`;

/** Appended rows tolerated before a compaction, however small the table. */
export const SLACK = 10_000;

/** Adds the registrations of `rows` (a relation with attendance's columns) to both summaries. */
export async function summarise(conn: DuckDBConnection, rows: string): Promise<void> {
  for (const table of SUMMARY_TABLES) {
    const s = SUMMARIES[table];
    const appended = (await conn.run(`INSERT INTO ${table} ${s.aggregate(rows)}`)).rowsChanged;
    if (appended === 0) continue;
    const state = (await conn.runAndReadAll(`SELECT compacted, appended FROM summary_parts WHERE name = $1`, [table])).getRowsJS()[0];
    const [compacted, since] = state ? [Number(state[0]), Number(state[1]) + appended] : [0, appended];
    if (since > compacted + SLACK) await compact(conn, table);
    else await conn.run(`UPDATE summary_parts SET appended = $2 WHERE name = $1`, [table, since]);
  }
}

/** Rewrites a summary as one row per key. */
async function compact(conn: DuckDBConnection, table: SummaryTable): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE summary_compacted AS ${consolidated(table)}`);
  await conn.run(`DELETE FROM ${table}`);
  const rows = (await conn.run(`INSERT INTO ${table} SELECT * FROM summary_compacted`)).rowsChanged;
  await conn.run(`DROP TABLE summary_compacted`);
  await conn.run(`DELETE FROM summary_parts WHERE name = $1`, [table]);
  await conn.run(`INSERT INTO summary_parts VALUES ($1, $2, 0)`, [table, rows]);
}

/**
 * Creates the summaries if missing. A database projected before they existed (or with an earlier
 * layout: one row per key kept by a primary key, or no months) gets them filled from its
 * attendance table once, here, so an old file is migrated when it is opened.
 */
export async function ensureSummaries(conn: DuckDBConnection): Promise<void> {
  const current = Number(
    await queryValue<bigint>(
      conn,
      `SELECT (SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'summary_parts')
            + (SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'
                 AND (table_name, column_name) IN (('attendance_days', 'n'), ('attendance_pairs', 'pair_hash'), ('attendance_pair_months', 'days')))
            - (SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name = 'main'
                 AND table_name IN ('attendance_days', 'attendance_pairs') AND constraint_type = 'PRIMARY KEY')`,
    ),
  );
  if (current === 1 + SUMMARY_TABLES.length) return;
  for (const t of SUMMARY_TABLES) await conn.run(`DROP TABLE IF EXISTS ${t}`);
  await conn.run(`DROP TABLE IF EXISTS summary_parts`);
  await conn.run(STATE_DDL);
  for (const t of SUMMARY_TABLES) await conn.run(SUMMARIES[t].ddl);
  for (const t of SUMMARY_TABLES) await conn.run(`INSERT INTO ${t} ${SUMMARIES[t].aggregate('attendance')}`);
  for (const t of SUMMARY_TABLES) await conn.run(`INSERT INTO summary_parts SELECT '${t}', count(*), 0 FROM ${t}`);
}
