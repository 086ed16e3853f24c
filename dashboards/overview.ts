import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, queryValue } from '../consumers/database.ts';
import { TABLES } from '../consumers/projection/tables.ts';

/** What the overview page and /healthz read: row counts per municipality and the pipeline's positions. */
export interface MunicipalityOverview {
  municipality: string;
  applications: number;
  decisions: { granted: number; partlyGranted: number; rejected: number };
  serviceStarts: number;
  serviceEnds: number;
  attendance: number;
  followUps: number;
  complaints: number;
  /** Offers registered (distinct offerIds: a re-registration is the same offer). */
  offers: number;
  /** Earliest and latest business date over every projection table (YYYY-MM-DD). */
  firstOccurredOn: string | null;
  lastOccurredOn: string | null;
}

export interface Positions {
  logPosition: number;
  projectionPosition: number;
  lag: number;
}

export interface Overview extends Positions {
  municipalities: MunicipalityOverview[];
  deadLetters: number;
}

// A server may start before anything was imported, so every table is looked up before it is read.
async function tableExists(conn: DuckDBConnection, database: string, table: string): Promise<boolean> {
  const n = await queryValue<bigint>(
    conn,
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = $1 AND schema_name = 'main' AND table_name = $2`,
    [database, table],
  );
  return Number(n) > 0;
}

async function catalogName(conn: DuckDBConnection): Promise<string> {
  return queryValue<string>(conn, 'SELECT current_database()');
}

export async function positions(conn: DuckDBConnection): Promise<Positions> {
  const logPosition = (await tableExists(conn, 'log', 'events'))
    ? Number((await queryValue<bigint | null>(conn, 'SELECT max(position) FROM log.events')) ?? 0)
    : 0;
  const projectionPosition = (await tableExists(conn, await catalogName(conn), 'checkpoints'))
    ? // The embedded log's position, or with Kafka the sum of the event topic's projected offsets.
      Number(
        (await queryValue<bigint | number | null>(
          conn,
          `SELECT coalesce(max(position) FILTER (WHERE log = 'embedded'), sum(position) FILTER (WHERE log = 'kafka' AND log_id NOT LIKE '%.dlq'), 0) FROM checkpoints`,
        )) ?? 0,
      )
    : 0;
  return { logPosition, projectionPosition, lag: logPosition - projectionPosition };
}

async function deadLetterCount(conn: DuckDBConnection): Promise<number> {
  if (!(await tableExists(conn, 'log', 'dead_letters'))) return 0;
  return Number(await queryValue<bigint>(conn, 'SELECT count(*) FROM log.dead_letters'));
}

// Counted facts get their own kind; every other table only widens the date range.
const COUNTED: Record<string, string> = {
  applications: `'applications'`,
  decisions: `'decisions_' || outcome`,
  service_starts: `'service_starts'`,
  service_ends: `'service_ends'`,
  attendance: `'attendance'`,
  follow_ups: `'follow_ups'`,
  complaints: `'complaints'`,
  offers: `'offers'`,
};

// Offers are counted once each, however often registered (a changed name or approval registers again).
const OVERVIEW_SQL = `
SELECT municipality, kind, CASE WHEN kind = 'offers' THEN count(DISTINCT offer_id) ELSE count(*) END AS n,
       strftime(min(occurred_on), '%Y-%m-%d') AS first_on,
       strftime(max(occurred_on), '%Y-%m-%d') AS last_on
FROM (
  ${TABLES.map((t) => `SELECT municipality, ${COUNTED[t.name] ?? `'other'`} AS kind, occurred_on, ${t.name === 'offers' ? 'offer_id' : 'NULL::VARCHAR'} AS offer_id FROM ${t.name}`).join('\n  UNION ALL ')}
)
GROUP BY municipality, kind
ORDER BY municipality, kind`;

const empty = (municipality: string): MunicipalityOverview => ({
  municipality,
  applications: 0,
  decisions: { granted: 0, partlyGranted: 0, rejected: 0 },
  serviceStarts: 0,
  serviceEnds: 0,
  attendance: 0,
  followUps: 0,
  complaints: 0,
  offers: 0,
  firstOccurredOn: null,
  lastOccurredOn: null,
});

/** One pass over the projection tables; municipalities are those that have any fact. */
export async function overview(conn: DuckDBConnection): Promise<Overview> {
  const pos = await positions(conn);
  const deadLetters = await deadLetterCount(conn);
  const byCode = new Map<string, MunicipalityOverview>();
  if (await tableExists(conn, await catalogName(conn), 'applications')) {
    const rows = await queryRows<{ municipality: string; kind: string; n: bigint; first_on: string; last_on: string }>(conn, OVERVIEW_SQL);
    for (const r of rows) {
      const m = byCode.get(r.municipality) ?? empty(r.municipality);
      byCode.set(r.municipality, m);
      const n = Number(r.n);
      switch (r.kind) {
        case 'applications': m.applications = n; break;
        case 'decisions_granted': m.decisions.granted = n; break;
        case 'decisions_partly_granted': m.decisions.partlyGranted = n; break;
        case 'decisions_rejected': m.decisions.rejected = n; break;
        case 'service_starts': m.serviceStarts = n; break;
        case 'service_ends': m.serviceEnds = n; break;
        case 'attendance': m.attendance = n; break;
        case 'follow_ups': m.followUps = n; break;
        case 'complaints': m.complaints = n; break;
        case 'offers': m.offers = n; break;
      }
      if (m.firstOccurredOn === null || r.first_on < m.firstOccurredOn) m.firstOccurredOn = r.first_on;
      if (m.lastOccurredOn === null || r.last_on > m.lastOccurredOn) m.lastOccurredOn = r.last_on;
    }
  }
  return { ...pos, deadLetters, municipalities: [...byCode.values()] };
}

/**
 * The date of the latest fact projected (not after `today`): the dashboards' default "as on".
 * After a source stops sending (or the demo's simulated period ends) "today" would show every
 * open case as overdue; the last data date shows the state the data describes.
 */
export async function lastDataDate(conn: DuckDBConnection, today: string): Promise<string> {
  if (!(await tableExists(conn, await catalogName(conn), 'applications'))) return today;
  // attendance is most of the rows; its daily summary has the same dates.
  const tables = [...TABLES.filter((t) => t.name !== 'attendance').map((t) => t.name), 'attendance_days'];
  const last = await queryValue<string | null>(
    conn,
    `SELECT strftime(max(d), '%Y-%m-%d') FROM (${tables.map((t) => `SELECT max(occurred_on) AS d FROM ${t}`).join(' UNION ALL ')})`,
  );
  return last && last < today ? last : today;
}
