import type { DuckDBConnection } from '@duckdb/node-api';
import { Sel104Error } from '../schemas/errors.ts';
import type { Standard } from '../schemas/standard.ts';
import { buildCouncil, type CouncilBook } from './council/build.ts';
import { Shown } from './council/cells.ts';
import { councilPeriod, endOfYear } from './council/period.ts';
import { PUBLIC_REPORTS, countSystem, showRows, suppressByParts, type Aggregate, type CountedRows, type Naming } from './public.ts';
import { runReport, type Cell, type ReportResult, type Row } from './runner.ts';
import { DEFAULT_THRESHOLD, combineSystems, type CellId, type Constraint, type CountSystem } from './suppression.ts';

/**
 * A year's publication: every public report of one calendar year that has ended and, at the
 * default threshold, the council report of each municipality with a quality standard, suppressed
 * as ONE system per municipality. Each output suppressed on its own gave small counts away beside
 * another: Lejre 2024's council report withheld the grants in effect and showed "1 dag <5",
 * while public `volume` printed the grants in effect (51), so 1 dag = 51 − (11 + 18 + 7 + 11).
 *
 * A count that several outputs show has one id (the council report's: `grants-in-effect`,
 * `decisions`, `dpw.d3`, `cpl.forwarded`, …), and counts that add up across outputs are tied by
 * sums: days-per-week-by-level adds up to the days and, level by level, to the council report's
 * VUM groups (a level's grants, never shown in public, are registered as unpublished); granted
 * and partly granted are the grants decided the eligibility rules are counted among; the
 * versions' open applications are the council report's; a §82a change of the year is a row of
 * the council report's table. Every public output is then its year's rows, shown as this one
 * suppression says; the council report of an ended year read as of its end prints from it too.
 * A public output never sums over years or reads another moment (reports/public.ts,
 * publicPeriods), so every count a public reader or a council sees is in the system.
 */

/** The public aggregate reports, in catalogue order. */
export const PUBLISHED: readonly string[] = Object.entries(PUBLIC_REPORTS).filter(([, d]) => d.kind === 'aggregate').map(([name]) => name);

export interface PublishedReport {
  readonly result: ReportResult;
  /** The rows as shown, in the report's order. */
  readonly rows: Record<string, Cell>[];
  /** Withheld counts of this report that the marks and sums alone give away (usually none). */
  readonly exposed: string[];
}

export interface Publication {
  readonly year: number;
  readonly threshold: number;
  readonly asOf: string;
  readonly reports: ReadonlyMap<string, PublishedReport>;
  /** Per municipality with a standard (at the default threshold): the council report's counts, as shown. */
  readonly council: ReadonlyMap<string, { readonly built: CouncilBook; readonly shown: Shown }>;
}

/** The id every output uses for a count, by report; undefined: the report's own. */
const CANONICAL: Readonly<Record<string, (row: Row, column: string) => CellId | undefined>> = {
  volume: (_, c) => ({
    applications: 'vol.applications', withdrawn: 'vol.withdrawn', decisions: 'decisions', granted: 'vol.granted', partlyGranted: 'vol.partly',
    rejected: 'vol.rejected', grantsInEffect: 'grants-in-effect', starts: 'vol.starts', ends: 'vol.ends',
  } as Record<string, string>)[c],
  'processing-time': (r, c) => {
    const field = ({ decided: 'decided', withinDeadline: 'within', late: 'late', open: 'open', atRisk: 'atRisk', overdue: 'overdue', overdueWithoutNotice: 'unnotified' } as Record<string, string>)[c];
    return field === undefined ? undefined : `pt.v:${String(r.standardVersion)}.${field}`;
  },
  'days-per-week': (r, c) => (c === 'grants' ? `dpw.d${String(r.daysPerWeek)}` : undefined),
  'days-per-week-by-level': (r, c) => (c === 'grants' ? `${levelTotal(r)}.d${String(r.daysPerWeek)}` : undefined),
  absence: (r, c) => {
    const field = ({ plannedDays: 'planned', attended: 'attended', cancelled: 'cancelled', noShow: 'noShow' } as Record<string, string>)[c];
    return field === undefined ? undefined : `abs.o:${String(r.offerId)}.${field}`;
  },
  complaints: (_, c) => ({
    decisions: 'decisions', complaints: 'cpl.complaints', caseHandlingComplaints: 'cpl.casehandling', fullReversal: 'cpl.full', partial: 'cpl.partial',
    maintained: 'cpl.maintained', forwarded: 'cpl.forwarded', upheld: 'cpl.upheld', changedOrAnnulled: 'cpl.changed', remitted: 'cpl.remitted', dismissed: 'cpl.dismissed',
  } as Record<string, string>)[c],
  'follow-up': (_, c) => ({ activeGrants: 'grants-in-effect', overdue: 'fu.overdue', notOverdue: 'fu.current', held: 'fu.all.held', heldOnTime: 'fu.all.ontime', heldLate: 'fu.all.late' } as Record<string, string>)[c],
  eligibility: (r, c) => (c === 'grants' ? `eli.${String(r.rule)}` : undefined),
  'migrations-82a': (r, c) => ((MIGRATION_CLASSES as readonly string[]).includes(c) ? migrationId(r, c) : undefined),
};

const MIGRATION_CLASSES = ['cohort', 'continuedUnder82a', 'movedTo104', 'ended', 'stillRecordedAs104'] as const;
const migrationId = (r: Row, field: string): CellId => `mig:${String(r.offerId)}:${String(r.effectiveDate)}.${field}`;

/** A VUM level's grants in effect. */
const levelTotal = (r: Row): CellId => `dpw.l:${r.functionLevel === null ? 'none' : String(r.functionLevel)}`;

/** Tables whose rows add up to the grants in effect. */
const GRANTS_TOTAL: ReadonlySet<string> = new Set(['days-per-week', 'days-per-week-by-level']);

/**
 * Percentages that give back a count the council report registers: with it in the system they
 * are withheld when it is (the transport share is the grants with transport of those decided).
 */
const RESTS_ON: Readonly<Record<string, Readonly<Record<string, readonly CellId[]>>>> = {
  volume: { transportSharePct: ['vol.transport', 'vol.no-transport'] },
  complaints: { timelyPct: ['cpl.timely', 'cpl.untimely'], forwardedOnTimePct: ['cpl.fwd.ontime', 'cpl.fwd.late'] },
};

export interface PublicationOptions {
  readonly standards: ReadonlyMap<string, Standard>;
  readonly threshold?: number;
  /** For tests: when "now" is. */
  readonly now?: Date;
}

/** Builds the publication of `year`, which must have ended. */
export async function buildPublication(conn: DuckDBConnection, year: number, { standards, threshold = DEFAULT_THRESHOLD, now = new Date() }: PublicationOptions): Promise<Publication> {
  const asOf = endOfYear(year);
  if (Date.parse(asOf) >= now.getTime()) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `to: ${year} has not ended; a public report covers calendar years that have`);
  const from = `${year}-01-01`, to = `${year}-12-31`;
  const results = new Map<string, ReportResult>();
  for (const name of PUBLISHED) results.set(name, await runReport(conn, name, { from, to, on: to, asOf }, { standards }));

  // The council report's counts are in the system only at its own threshold.
  const withCouncil = threshold === DEFAULT_THRESHOLD;
  const municipalities = new Set<string>([...results.values()].flatMap((r) => r.rows.map((row) => String(row.municipality))));
  if (withCouncil) for (const m of standards.keys()) municipalities.add(m);
  const period = councilPeriod(year, asOf, now);

  const shownRows = new Map<string, Map<number, Record<string, Cell>>>(PUBLISHED.map((n) => [n, new Map()]));
  const exposed = new Map<string, string[]>(PUBLISHED.map((n) => [n, []]));
  const council = new Map<string, { built: CouncilBook; shown: Shown }>();
  for (const m of [...municipalities].sort()) {
    const parts: { name: string; d: Aggregate; indexes: number[]; counted: CountedRows }[] = [];
    for (const name of PUBLISHED) {
      const result = results.get(name)!;
      const d = PUBLIC_REPORTS[name] as Aggregate;
      const indexes = result.rows.flatMap((row, i) => (String(row.municipality) === m ? [i] : []));
      const naming: Naming = { prefix: `${name}|`, name: CANONICAL[name], ...(GRANTS_TOTAL.has(name) ? { total: 'grants-in-effect' } : {}) };
      parts.push({ name, d, indexes, counted: countSystem(d, indexes.map((i) => result.rows[i]!), threshold, naming) });
    }
    const built = withCouncil && standards.has(m) ? await buildCouncil(conn, m, period, standards) : undefined;
    const systems: CountSystem[] = [...parts.map((p) => p.counted.system), ...(built ? [built.book.rawSystem()] : [])];
    const joined = combineSystems(...systems);
    const linked = combineSystems(joined, links(joined, m, results, built?.data.migrations ?? [], threshold));
    const system = resolve(linked);
    const suppression = suppressByParts(system, threshold);
    for (const { name, d, indexes, counted } of parts) {
      const rows = indexes.map((i) => results.get(name)!.rows[i]!);
      const restsOn = Object.fromEntries(Object.entries(RESTS_ON[name] ?? {}).map(([c, ids]) => [c, ids.filter((id) => system.values.has(id))]));
      const shown = showRows(d, { columns: results.get(name)!.columns, rows }, counted, system, suppression, threshold, restsOn);
      indexes.forEach((i, k) => shownRows.get(name)!.set(i, shown[k]!));
      exposed.get(name)!.push(...[...suppression.exposed].filter((id) => id.startsWith(`${name}|`) || described(counted, id)).map(counted.describe));
    }
    if (built) council.set(m, { built, shown: new Shown(system, suppression) });
  }

  const reports = new Map<string, PublishedReport>();
  for (const name of PUBLISHED) {
    const result = results.get(name)!;
    reports.set(name, { result, rows: result.rows.map((_, i) => shownRows.get(name)!.get(i)!), exposed: exposed.get(name)! });
  }
  return { year, threshold, asOf, reports, council };
}

const described = (counted: CountedRows, id: CellId): boolean => counted.describe(id) !== id;

/**
 * The sums that tie the public reports to each other beyond their own rows, and the counts they
 * need that no output prints (an offer's grants): registered only where they hold.
 */
function links(system: CountSystem, municipality: string, results: ReadonlyMap<string, ReportResult>, councilMigrations: readonly Row[], threshold: number): CountSystem {
  const values = new Map<CellId, number>();
  const unpublished = new Set<CellId>();
  const constraints: Constraint[] = [];
  const has = (id: CellId) => system.values.has(id) || values.has(id);
  const value = (id: CellId) => system.values.get(id) ?? values.get(id)!;
  const tie = (total: CellId, parts: readonly CellId[]) => {
    const present = parts.filter(has);
    if (present.length === 0 || !has(total)) return;
    if (present.reduce((s, p) => s + value(p), 0) !== value(total)) return; // not the same count after all
    constraints.push({ total, parts: present });
  };
  const rowsOf = (name: string) => results.get(name)!.rows.filter((r) => String(r.municipality) === municipality);

  // Grants in effect: by level, by days, add up to the days; a level's grants, never shown in
  // public, are a count a reader adds up from its row (the council report prints them by group).
  const byLevel = rowsOf('days-per-week-by-level');
  for (const [total, members] of groupBy(byLevel, levelTotal)) {
    if (!has(total)) {
      values.set(total, members.reduce((s, r) => s + Number(r.grants ?? 0), 0));
      unpublished.add(total);
    }
    tie(total, members.map((r) => `${total}.d${String(r.daysPerWeek)}`));
  }
  for (const [days, members] of groupBy(byLevel, (r) => String(r.daysPerWeek))) tie(`dpw.d${days}`, members.map((r) => `${levelTotal(r)}.d${days}`));

  // Decisions: granted and partly granted are the grants decided, which the rules of eligibility
  // are counted among (the grants keeping a rule are a count a reader subtracts).
  if (has('vol.granted') && has('vol.partly')) {
    if (!has('grants-decided')) {
      values.set('grants-decided', value('vol.granted') + value('vol.partly'));
      unpublished.add('grants-decided');
    }
    tie('grants-decided', ['vol.granted', 'vol.partly']);
    // (registered only when small, as the council report does: a larger one is no secret)
    for (const r of rowsOf('eligibility')) {
      const id = `eli.${String(r.rule)}`, rest = `${id}.rest`;
      if (!has(id) || has(rest)) continue;
      const n = value('grants-decided') - value(id);
      if (n < 1 || n >= threshold) continue;
      values.set(rest, n);
      tie('grants-decided', [id, rest]);
    }
  }

  // Processing time: the open applications of the council report are the versions' summed.
  const versions = rowsOf('processing-time');
  const ids = (field: string, rows = versions) => rows.map((r) => `pt.v:${String(r.standardVersion)}.${field}`);
  const withDeadline = versions.filter((r) => r.deadlineWeeks !== null);
  tie('pt.open', ids('open'));
  tie('pt.open.atrisk', ids('atRisk', withDeadline));
  tie('pt.open.overdue', ids('overdue', withDeadline));
  tie('pt.open.unnotified', ids('unnotified', withDeadline));

  // §82a: a change effective in the year is a row of the council report's table too (which has
  // every change up to the year's end, rows `mig.<i>`); the two are one count where they agree.
  councilMigrations.forEach((c, i) => {
    const r = rowsOf('migrations-82a').find((p) => p.offerId === c.offerId && p.effectiveDate === c.effectiveDate);
    if (r === undefined) return;
    for (const field of MIGRATION_CLASSES) tie(`mig.${i}.${field}`, [migrationId(r, field)]);
  });
  return { values, constraints, unpublished };
}

function groupBy(rows: readonly Row[], key: (r: Row) => string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return groups;
}

/** The system with every count a sum names registered: the caller's parts are present or a zero row. */
function resolve(system: CountSystem): CountSystem {
  const constraints: Constraint[] = [];
  for (const { total, parts } of system.constraints) {
    if (!system.values.has(total)) continue;
    const present = parts.filter((p) => system.values.has(p) && p !== total);
    if (present.length === 0) continue;
    const sum = present.reduce((s, p) => s + system.values.get(p)!, 0);
    if (sum !== system.values.get(total)) throw new Sel104Error('SEL104_ERR_INTERNAL', `publication: ${total} is ${system.values.get(total)} but the counts of other outputs that add up to it give ${sum}`);
    constraints.push({ total, parts: present });
  }
  return { ...system, constraints };
}


export interface PublicRequest {
  readonly municipality?: string;
  /** YYYY-01-01 and YYYY-12-31 (publicPeriods has checked them). */
  readonly from: string;
  readonly to: string;
  readonly by?: 'year';
}

/**
 * A public report as a reader gets it: for each year of the request, that year's rows from the
 * year's publication (`publication` builds or finds it), year by year, with `period` first when
 * asked for by year.
 */
export async function publishedReport(
  name: string,
  request: PublicRequest,
  publication: (year: number) => Promise<Publication>,
): Promise<{ result: ReportResult; exposed: string[] }> {
  const first = Number(request.from.slice(0, 4)), last = Number(request.to.slice(0, 4));
  const rows: Record<string, Cell>[] = [];
  const exposed: string[] = [];
  let base: ReportResult | undefined;
  for (let year = first; year <= last; year++) {
    const published = (await publication(year)).reports.get(name);
    if (!published) throw new Sel104Error('SEL104_ERR_NOT_PUBLIC', `report "${name}" has no public version`);
    base ??= published.result;
    published.rows.forEach((row, i) => {
      if (request.municipality !== undefined && String(published.result.rows[i]!.municipality) !== request.municipality) return;
      rows.push(request.by === 'year' ? { period: String(year), ...row } : row);
    });
    exposed.push(...published.exposed.map((e) => `${year}: ${e}`));
  }
  const columns = [...(request.by === 'year' ? ['period'] : []), ...base!.columns];
  const params = { ...base!.params, ...request, on: request.to, ...(first === last ? {} : { asOf: undefined }) };
  return { result: { ...base!, params, columns, rows }, exposed };
}
