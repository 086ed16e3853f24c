import type { DuckDBConnection } from '@duckdb/node-api';
import { queryValue } from '../database.ts';

/**
 * Service spells kept by the projector. A case's service at one offer is in effect on day X when
 * X lies between a ServiceStarted there and the first ServiceEnded there on or before … (lib.sql,
 * service_spells); data-quality checks every registration against these spells, and deriving
 * them from the starts and ends was its largest single cost (measured at scale 20: 84 against
 * 105 ms per run with the spells read from a table).
 *
 * The table holds, per municipality × case × offer, that key's spells and the latest recordedAt
 * of the starts and ends they come from. The projector recomputes the spells of every key a batch
 * touches, in the batch's transaction. The reports read the table only when the request's --as-of
 * is at or after every recordedAt in it, as with the attendance summaries (summaries.ts): it
 * changes how fast a report answers, never what it says.
 */
export const SERVICE_SPELLS_TABLE = 'service_spells_kept';

const DDL = `CREATE TABLE IF NOT EXISTS ${SERVICE_SPELLS_TABLE} (
  municipality VARCHAR NOT NULL, case_id VARCHAR NOT NULL, offer_id VARCHAR NOT NULL,
  started_on DATE NOT NULL, ended_on DATE NOT NULL, last_recorded_at TIMESTAMPTZ NOT NULL)`;

/**
 * The spells [started_on, ended_on] of relations `starts` and `ends` (with the columns of
 * service_starts and service_ends): a start with no other start since the last end before it
 * opens a spell (a later one lies inside the spell of the earlier), which runs to the first end on
 * or after it. The one definition, read by lib.sql and by the projector.
 */
export function serviceSpellsSql(starts: string, ends: string): string {
  return `WITH spell_starts AS (
    SELECT DISTINCT municipality, case_id, offer_id, occurred_on AS started_on FROM ${starts}
  ),
  around AS (
    SELECT s.municipality, s.case_id, s.offer_id, s.started_on,
           max(m.ended_on) FILTER (WHERE m.ended_on < s.started_on) AS ended_before,
           max(m.started_on) FILTER (WHERE m.started_on < s.started_on) AS started_before,
           min(m.ended_on) FILTER (WHERE m.ended_on >= s.started_on) AS ended_on
    FROM spell_starts s
    JOIN (SELECT municipality, case_id, offer_id, started_on, NULL::DATE AS ended_on FROM spell_starts
          UNION ALL
          SELECT municipality, case_id, offer_id, NULL, occurred_on FROM ${ends}) m
      USING (municipality, case_id, offer_id)
    GROUP BY ALL
  )
  SELECT municipality, case_id, offer_id, started_on, coalesce(ended_on, DATE '9999-12-31') AS ended_on
  FROM around
  WHERE started_before IS NULL OR started_before <= ended_before`;
}

/** The spells of the keys in `keys` (municipality, case_id, offer_id), from every start and end of those keys. */
const spellsOf = (keys: string): string => `
  WITH k_starts AS (SELECT * FROM service_starts SEMI JOIN ${keys} k USING (municipality, case_id, offer_id)),
       k_ends AS (SELECT * FROM service_ends SEMI JOIN ${keys} k USING (municipality, case_id, offer_id)),
       recorded AS (
         SELECT municipality, case_id, offer_id, max(recorded_at) AS last_recorded_at
         FROM (SELECT municipality, case_id, offer_id, recorded_at FROM k_starts
               UNION ALL SELECT municipality, case_id, offer_id, recorded_at FROM k_ends)
         GROUP BY ALL)
  SELECT s.municipality, s.case_id, s.offer_id, s.started_on, s.ended_on, r.last_recorded_at
  FROM (${serviceSpellsSql('k_starts', 'k_ends')}) s
  JOIN recorded r USING (municipality, case_id, offer_id)`;

/**
 * Recomputes the spells of the keys that the ServiceStarted and ServiceEnded events of `batch`
 * (a relation with the log's columns, already in their tables) touch. The caller holds the
 * transaction.
 */
export async function keepServiceSpells(conn: DuckDBConnection, batch: string): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE service_keys_touched AS
     SELECT DISTINCT municipality, case_id, json_extract_string(data, '$.offerId') AS offer_id
     FROM ${batch} WHERE type IN ('ServiceStarted', 'ServiceEnded')`,
  );
  if (Number(await queryValue<bigint>(conn, `SELECT count(*) FROM service_keys_touched`)) > 0) {
    await conn.run(
      `DELETE FROM ${SERVICE_SPELLS_TABLE} t USING service_keys_touched k
       WHERE t.municipality = k.municipality AND t.case_id = k.case_id AND t.offer_id = k.offer_id`,
    );
    await conn.run(`INSERT INTO ${SERVICE_SPELLS_TABLE} ${spellsOf('service_keys_touched')}`);
  }
  await conn.run(`DROP TABLE service_keys_touched`);
}

/** Creates the table if missing; a database projected before it existed gets it filled once, here. */
export async function ensureServiceSpells(conn: DuckDBConnection): Promise<void> {
  const found = await queryValue<bigint>(
    conn,
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1`,
    [SERVICE_SPELLS_TABLE],
  );
  if (Number(found) > 0) return;
  await conn.run(DDL);
  await conn.run(
    `INSERT INTO ${SERVICE_SPELLS_TABLE} ${spellsOf('(SELECT DISTINCT municipality, case_id, offer_id FROM service_starts)')}`,
  );
}
