import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Sel104Error } from '../schemas/errors.ts';
import type { Standard } from '../schemas/standard.ts';
import { OFFER_REPORTS, REPORT_NAMES, findReport, type ColumnKind, type ReportDef } from './catalogue.ts';
import { ReportParams, todayInCopenhagen } from './params.ts';
import { standardEvidence } from './evidence.ts';
import { SERVICE_SPELLS_TABLE } from '../consumers/projection/serviceSpells.ts';
import { PERIODS_DDL, hasServiceSpells, hasSummaries, prepareReportSession, sqlString } from './session.ts';
import { sqlTimestamp } from '../schemas/primitives.ts';

export type Cell = string | number | null | string[];
export type Row = Record<string, Cell>;

export interface ReportResult {
  def: ReportDef;
  params: ReportParams & { on: string };
  /** Output columns in order: `period` first when --by is given. */
  columns: string[];
  rows: Row[];
}

export interface RunOptions {
  standards: ReadonlyMap<string, Standard>;
  /** The clock for the default --on (tests pin it). */
  now?: Date;
  /**
   * Read the projector's attendance summaries and service spells where they cover --as-of
   * (default true). Tests
   * turn it off to show that both ways give the same rows.
   */
  summaries?: boolean;
}

const sqlCache = new Map<string, string>();
export function reportSql(name: string): string {
  let sql = sqlCache.get(name);
  if (sql === undefined) {
    sql = readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');
    sqlCache.set(name, sql);
  }
  return sql;
}

/** Validates the report name and parameters; every failure names the field and the rule. */
export function checkRequest(name: string, raw: unknown, { standards, now }: RunOptions): { def: ReportDef; params: ReportParams & { on: string } } {
  const def = findReport(name);
  if (!def) throw new Sel104Error('SEL104_ERR_UNKNOWN_REPORT', `unknown report "${name}"; reports: ${REPORT_NAMES.join(', ')}`);
  const parsed = ReportParams.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(parameters)');
    throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `${field}: ${issue.message}`);
  }
  const params = { ...parsed.data, on: parsed.data.on ?? todayInCopenhagen(now) };
  if (params.offer !== undefined && !('offerId' in def.columns)) {
    throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `offer: ${def.name} has no row per offer; offer narrows ${OFFER_REPORTS.join(', ')}`);
  }
  if (params.municipality && !standards.has(params.municipality)) {
    throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `municipality: no quality standard for ${params.municipality} (have ${[...standards.keys()].join(', ')})`);
  }
  return { def, params };
}

const PERIOD_LABEL: Record<NonNullable<ReportParams['by']>, string> = {
  month: `strftime(p, '%Y-%m')`,
  quarter: `strftime(p, '%Y') || '-Q' || quarter(p)`,
  year: `strftime(p, '%Y')`,
};

/** One period of a run over explicit periods: its label, the filter on anchor dates, the snapshot date. */
export interface Window {
  label: string;
  from: string;
  to: string;
  on: string;
}

/**
 * Sets the session's parameters: as-of, municipality, and the periods with their snapshot dates
 * (from --from, --to, --on and --by, or the given windows). One script, not a statement each:
 * every statement costs a round trip (about 1 ms here), and a run sets six or more. The values
 * are validated (params.ts) and quoted as SQL literals.
 */
async function setParameters(conn: DuckDBConnection, p: ReportParams & { on: string }, summaries = true, windows?: readonly Window[]): Promise<void> {
  const date = (d: string | null | undefined): string => (d == null ? 'NULL::DATE' : `CAST(${sqlString(d)} AS DATE)`);
  const script = [
    `SET VARIABLE as_of = ${sqlTimestamp(sqlString(p.asOf ?? 'infinity'))}`,
    // The summaries stand in for the registrations only if none of theirs was recorded after --as-of.
    `SET VARIABLE attendance_summary = ${summaries && hasSummaries(conn)} AND coalesce((SELECT max(last_recorded_at) FROM attendance_days) <= getvariable('as_of'), true)`,
    // the same for the service spells the projector keeps (lib.sql, service_spells)
    `SET VARIABLE service_summary = ${summaries && hasServiceSpells(conn)} AND coalesce((SELECT max(last_recorded_at) FROM ${SERVICE_SPELLS_TABLE}) <= getvariable('as_of'), true)`,
    `SET VARIABLE municipality = CAST(${sqlString(p.municipality ?? null)} AS VARCHAR)`,
    // --by for the SQL: a date's period found by hash join (lib.sql, in_period), attendance counted per day (absence.sql).
    `SET VARIABLE period_unit = CAST(${sqlString(p.by ?? null)} AS VARCHAR)`,
    // A new table rather than DELETE: DuckDB keeps a table's row estimate after a DELETE, and a
    // one-period run planned for a previous run's many periods joins by a slow range join.
    PERIODS_DDL,
  ];
  if (windows) {
    // Periods that need not be calendar units: with period_unit NULL, in_period is a plain BETWEEN.
    script.push(`INSERT INTO periods VALUES ${windows.map((w) => `(${sqlString(w.label)}, ${date(w.from)}, ${date(w.to)}, ${date(w.on)})`).join(', ')}`);
  } else if (!p.by) {
    script.push(`INSERT INTO periods VALUES (NULL, ${date(p.from ?? '0001-01-01')}, ${date(p.to ?? '9999-12-31')}, ${date(p.on)})`);
  } else {
    // With --by, periods run from --from (default: the first application) to --to (default: --on);
    // snapshot metrics are taken on each period's last day (or --on, if earlier).
    script.push(
      `INSERT INTO periods
       WITH bounds AS (
         SELECT coalesce(${date(p.from)}, (SELECT min(occurred_on) FROM known_applications), ${date(p.on)}) AS lo,
                coalesce(${date(p.to)}, ${date(p.on)}) AS hi)
       SELECT ${PERIOD_LABEL[p.by]}, greatest(CAST(p AS DATE), lo), least(CAST(p + INTERVAL 1 ${p.by} - INTERVAL 1 day AS DATE), hi),
              least(CAST(p + INTERVAL 1 ${p.by} - INTERVAL 1 day AS DATE), hi, ${date(p.on)})
       FROM bounds, generate_series(date_trunc('${p.by}', lo), date_trunc('${p.by}', hi), INTERVAL 1 ${p.by}) AS s(p)
       WHERE lo <= hi`,
    );
  }
  await conn.run(script.join(';\n'));
}

function coerce(kind: ColumnKind, v: unknown): Cell {
  if (v === null || v === undefined) return kind === 'list' ? [] : null;
  switch (kind) {
    case 'int':
    case 'pct':
    case 'number': return Number(v);
    case 'list': return (v as unknown[]).map(String);
    default: return String(v);
  }
}

/** Runs one report on a connection (the connection's temp state holds the parameters). */
export async function runReport(conn: DuckDBConnection, name: string, raw: unknown, opts: RunOptions): Promise<ReportResult> {
  const { def, params } = checkRequest(name, raw, opts);
  if (def.name === 'standard-evidence') {
    // composed in TypeScript from the metric reports (evidence.ts), not one SQL statement
    const rows = await standardEvidence(conn, params, opts);
    return { def, params, columns: Object.keys(def.columns), rows };
  }
  await prepareReportSession(conn, opts.standards);
  await setParameters(conn, params, opts.summaries);
  const reader = await conn.runAndReadAll(reportSql(def.name));
  const kinds = Object.entries(def.columns);
  const rows = reader.getRowObjectsJson().filter((r) => params.offer === undefined || r.offerId === params.offer).map((r) => {
    const row: Row = params.by ? { period: String(r.period) } : {};
    for (const [col, kind] of kinds) row[col] = coerce(kind, r[col]);
    return row;
  });
  // no rows of an offer the log never named is a typo, not "no data"
  if (params.offer !== undefined && rows.length === 0) await checkOfferKnown(conn, params.offer);
  return { def, params, columns: [...(params.by ? ['period'] : []), ...kinds.map(([c]) => c)], rows };
}

/** An offer is known when it was registered or any decision, start or registration named it. */
export async function checkOfferKnown(conn: DuckDBConnection, offer: string): Promise<void> {
  const named = (await conn.runAndReadAll(
    `SELECT EXISTS (SELECT 1 FROM offers WHERE offer_id = $1) OR EXISTS (SELECT 1 FROM decisions WHERE offer_id = $1)
         OR EXISTS (SELECT 1 FROM service_starts WHERE offer_id = $1) OR EXISTS (SELECT 1 FROM attendance WHERE offer_id = $1)`,
    [offer],
  )).getRowsJS()[0]![0];
  if (named !== true) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `offer: no offer "${offer}" is registered or named by any event`);
}

/**
 * Runs a report's SQL over explicit periods, which may overlap and need not be calendar units:
 * one row set per window, each row with the window's label as `period`. For reports composed of
 * others (standard-evidence), so that one run measures several windows.
 */
export async function runOverWindows(
  conn: DuckDBConnection, name: string, windows: readonly Window[], p: { municipality?: string; asOf?: string }, opts: RunOptions,
): Promise<Row[]> {
  const def = findReport(name)!;
  await prepareReportSession(conn, opts.standards);
  await setParameters(conn, { municipality: p.municipality, asOf: p.asOf, on: windows[0]!.on }, opts.summaries, windows);
  const reader = await conn.runAndReadAll(reportSql(def.name));
  const kinds = Object.entries(def.columns);
  return reader.getRowObjectsJson().map((r) => {
    const row: Row = { period: String(r.period) };
    for (const [col, kind] of kinds) row[col] = coerce(kind, r[col]);
    return row;
  });
}

/** Writes a report as Parquet with DuckDB's own writer, keeping the report's row order. */
export async function exportParquet(conn: DuckDBConnection, name: string, raw: unknown, file: string, opts: RunOptions): Promise<number> {
  const { def, params } = checkRequest(name, raw, opts);
  if (def.name === 'standard-evidence') throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', 'format: parquet is not available for standard-evidence (use json, csv or arrow)');
  if (params.offer !== undefined) await checkOfferKnown(conn, params.offer);
  await prepareReportSession(conn, opts.standards);
  await setParameters(conn, params, opts.summaries);
  const cols = [...(params.by ? ['period'] : []), ...Object.keys(def.columns)].map((c) => `"${c}"`).join(', ');
  // The report's SQL ends in ORDER BY; with insertion order preserved the projection keeps it.
  await conn.run(`SET preserve_insertion_order = true`);
  try {
    const offer = params.offer === undefined ? '' : ` WHERE "offerId" = '${params.offer.replaceAll("'", "''")}'`;
    const reader = await conn.runAndReadAll(`COPY (SELECT ${cols} FROM (${reportSql(def.name).trim().replace(/;$/, '')})${offer}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
    return Number(reader.getRowsJS()[0]?.[0] ?? 0);
  } finally {
    await conn.run(`SET preserve_insertion_order = false`);
  }
}
