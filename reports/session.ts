import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SERVICE_SPELLS_TABLE, serviceSpellsSql } from '../consumers/projection/serviceSpells.ts';
import { TABLES } from '../consumers/projection/tables.ts';
import type { Standard } from '../schemas/standard.ts';

/**
 * Prepares a connection for reports, once per connection and set of standards: the standards as
 * a temp table, the periods table and the shared views of reports/lib.sql. Temp objects belong to
 * the connection, so concurrent connections never see each other's parameters.
 */
const LIB = readFileSync(new URL('./lib.sql', import.meta.url), 'utf8');

const KNOWN_VIEWS = TABLES.map(
  (t) => `CREATE OR REPLACE TEMP VIEW known_${t.name} AS SELECT * FROM ${t.name} WHERE known_filter(municipality, recorded_at);`,
).join('\n');

const SERVICE_SPELLS_VIEW = `CREATE OR REPLACE TEMP VIEW service_spells AS
  SELECT municipality, case_id, offer_id, started_on, ended_on FROM ${SERVICE_SPELLS_TABLE}
  WHERE getvariable('service_summary') AND known_filter(municipality, last_recorded_at)
  UNION ALL
  SELECT * FROM (${serviceSpellsSql('known_service_starts', 'known_service_ends')})
  WHERE NOT getvariable('service_summary');`;

const prepared = new WeakMap<DuckDBConnection, ReadonlyMap<string, Standard>>();
const kept = new WeakMap<DuckDBConnection, { attendance: boolean; serviceSpells: boolean }>();

/**
 * Whether the database has the projector's attendance summaries (and its service spells). A
 * read-only file projected before they existed cannot be migrated; its reports read the
 * registrations (and the starts and ends) themselves, and empty stand-ins let the SQL bind.
 */
export const hasSummaries = (conn: DuckDBConnection): boolean => kept.get(conn)?.attendance ?? false;
export const hasServiceSpells = (conn: DuckDBConnection): boolean => kept.get(conn)?.serviceSpells ?? false;

/** The periods of one run (runner.ts fills it): period label, the filter on anchor dates, the snapshot date. */
export const PERIODS_DDL = `CREATE OR REPLACE TEMP TABLE periods (period VARCHAR, p_from DATE, p_to DATE, snap DATE)`;

/** A value as an SQL string literal (NULL for null). */
export const sqlString = (v: string | null): string => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`);
const sqlValue = (v: string | number | boolean | null): string => (typeof v === 'string' || v === null ? sqlString(v) : String(v));

/** One row per standard version: the rule values every metric reads (contract §2). */
function standardVersionRows(standards: ReadonlyMap<string, Standard>): string[] {
  const rows: string[] = [];
  for (const s of standards.values()) {
    s.versions.forEach((v, i) => {
      const next = s.versions[i + 1];
      const values = [
        s.municipality, v.id, i + 1, v.effectiveFrom, null, v.processingDeadlineWeeks, v.daysPerWeek.min, v.daysPerWeek.max,
        v.followUpMonths, v.complaintWindowDays, v.forwardWithinDays, v.targetGroup.minAge, v.targetGroup.maxAgeIsPensionAge,
        v.targetGroup.minFunctionLevel, v.actionPlanRequired, v.providersMustBeApproved, v.absenceFlagPct,
      ].map(sqlValue);
      // effective_to: the day before the next version, so BETWEEN works on both ends.
      values[4] = next ? `DATE '${next.effectiveFrom}' - 1` : `DATE '9999-12-31'`;
      rows.push(`(${values.join(', ')})`);
    });
  }
  return rows;
}

const STANDARD_VERSIONS_DDL = `CREATE OR REPLACE TEMP TABLE standard_versions (
    municipality VARCHAR, version_id VARCHAR, version_no INTEGER, effective_from DATE, effective_to DATE,
    deadline_weeks INTEGER, days_min INTEGER, days_max INTEGER, follow_up_months INTEGER,
    complaint_window_days INTEGER, forward_within_days INTEGER, min_age INTEGER, max_age_is_pension_age BOOLEAN,
    min_function_level INTEGER, action_plan_required BOOLEAN, providers_must_be_approved BOOLEAN, absence_flag_pct DOUBLE)`;

/**
 * Readies a connection for reports on a set of standards. The views are created once per
 * connection; another set of standards (standard-evidence runs the reports on hypothetical ones)
 * only refills standard_versions, which the views read when they run.
 */
export async function prepareReportSession(conn: DuckDBConnection, standards: ReadonlyMap<string, Standard>): Promise<void> {
  const current = prepared.get(conn);
  if (current === standards) return;
  if (current !== undefined) {
    await conn.run(`DELETE FROM standard_versions`);
    await conn.run(`INSERT INTO standard_versions VALUES ${standardVersionRows(standards).join(',\n')}`);
    prepared.set(conn, standards);
    return;
  }
  await conn.run(STANDARD_VERSIONS_DDL);
  await conn.run(`INSERT INTO standard_versions VALUES ${standardVersionRows(standards).join(',\n')}`);
  await conn.run(PERIODS_DDL);
  await conn.run(`SET VARIABLE as_of = TIMESTAMPTZ 'infinity'`);
  await conn.run(`SET VARIABLE municipality = NULL::VARCHAR`);
  await conn.run(`SET VARIABLE period_unit = NULL::VARCHAR`);
  const found = new Set((await conn.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
       AND table_name IN ('attendance_days', 'attendance_pairs', 'attendance_pair_months', '${SERVICE_SPELLS_TABLE}')`,
  )).getRowsJS().map((r) => String(r[0])));
  kept.set(conn, { attendance: found.size - (found.has(SERVICE_SPELLS_TABLE) ? 1 : 0) === 3, serviceSpells: found.has(SERVICE_SPELLS_TABLE) });
  if (!hasSummaries(conn)) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE attendance_days (municipality VARCHAR, offer_id VARCHAR, occurred_on DATE, status VARCHAR, n BIGINT, last_recorded_at TIMESTAMPTZ)`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE attendance_pairs (municipality VARCHAR, case_id VARCHAR, offer_id VARCHAR, first_on DATE, last_on DATE, n BIGINT, last_recorded_at TIMESTAMPTZ, pair_hash UBIGINT)`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE attendance_pair_months (municipality VARCHAR, case_id VARCHAR, offer_id VARCHAR, month DATE, first_on DATE, last_on DATE, n BIGINT, days UINTEGER, last_recorded_at TIMESTAMPTZ, pair_hash UBIGINT)`);
  }
  if (!hasServiceSpells(conn)) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${SERVICE_SPELLS_TABLE} (municipality VARCHAR, case_id VARCHAR, offer_id VARCHAR, started_on DATE, ended_on DATE, last_recorded_at TIMESTAMPTZ)`);
  }
  await conn.run(`SET VARIABLE attendance_summary = false`);
  await conn.run(`SET VARIABLE service_summary = false`);
  await conn.run(
    LIB.replace('-- @known_views: the runner generates one "known_<table>" view per projection table here.', KNOWN_VIEWS)
      .replace('-- @service_spells: the runner generates the view "service_spells" here.', SERVICE_SPELLS_VIEW),
  );
  prepared.set(conn, standards);
}
