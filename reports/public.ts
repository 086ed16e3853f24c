import { Sel104Error } from '../schemas/errors.ts';
import type { ColumnKind, ReportDef } from './catalogue.ts';
import { percent } from './council/cells.ts';
import { endOfYear } from './council/period.ts';
import { toArrowIpc } from './formats.ts';
import type { Cell, ReportResult, Row } from './runner.ts';
import { DEFAULT_THRESHOLD, WITHHELD, showCount, suppress, type CellId, type Constraint, type CountSystem, type Suppression } from './suppression.ts';

/**
 * The public version of a report (issue 6, diskretionering): what `sel104 report --public` prints
 * and what a `council` token gets from the API. Counts from 1 to threshold − 1 are shown as `<5`,
 * counts withheld to protect them as `.`, and a percentage or median resting on a withheld count
 * as `.` (reports/suppression.ts).
 *
 * Each aggregate report declares below how its rows are counts tied by sums. Every count of one
 * output (all rows, all periods) is in ONE system, so that no withheld count can be worked out
 * from that output. What is tied:
 *  - sums within a row (`plannedDays = attended + cancelled + noShow`);
 *  - counts a reader works out by subtraction without seeing them (implied: decided −
 *    withinDeadline, the decisions after the deadline). They are registered though never shown,
 *    so that they are protected like the rest, when below the threshold; a larger one leaves a
 *    reader only a bound too loose to narrow a withheld count. The audit then reads an implied
 *    count as if it were marked `<5` or known, which a reader cannot: it errs on the safe side;
 *  - counts across rows: a table's counts adding up to a count another report shows (the grants
 *    in effect of `volume`), which is then treated as published.
 * A percentage whose count is not shown (transportSharePct) gives that count back with its
 * denominator: it is withheld when that count or the rest is small, as well as when a count of its
 * denominator is withheld. A report is published only by its declaration: one without, or whose
 * columns the declaration does not match, is refused rather than guessed at, and case-level
 * reports have no public version. This is one output's system; `sel104 report --public` and the
 * `council` role show each report within its year's publication (reports/publication.ts), where
 * the counts several outputs show are one count and every public report and the council report
 * are suppressed together.
 */

/** A column's value in one row, undefined when it is not a number. */
type Value = (name: string) => number | undefined;
/** A count never shown that a reader works out from a row; undefined when the row does not give it. */
type Implied = (v: Value) => number | undefined;

export interface Aggregate {
  readonly kind: 'aggregate';
  /** Columns that name a row; shown as they are. */
  readonly labels: readonly string[];
  /** Count columns: shown as the count, `<5` or `.`. */
  readonly counts: readonly string[];
  /** Percentage and median columns, each with the counts (shown or implied) it rests on. */
  readonly derived: Readonly<Record<string, readonly string[]>>;
  /** Percentages whose count is not shown, each with the counts whose sum is its denominator. */
  readonly shareOf: Readonly<Record<string, readonly string[]>>;
  readonly implied: Readonly<Record<string, Implied>>;
  /** Within a row: `[total, parts]`, counts or implied counts. */
  readonly sums: readonly (readonly [string, readonly string[]])[];
  /** The labels that, with the period, make rows one table (the unit of the across-row ties). */
  readonly tableBy: readonly string[];
  /** The table's `column` adds up to a count another report shows: treated as published. */
  readonly tableTotal?: { readonly column: string; readonly shownBy: string };
}

interface CaseLevel {
  readonly kind: 'cases';
  /** Why it has no public version. */
  readonly lists: string;
}

/** An aggregate report kept from the public: other public outputs would undo its suppression. */
interface Refused {
  readonly kind: 'refused';
  readonly why: string;
}

type Declaration = Aggregate | CaseLevel | Refused;

const aggregate = (d: Partial<Omit<Aggregate, 'kind'>> & Pick<Aggregate, 'labels' | 'counts'>): Aggregate =>
  Object.freeze({ kind: 'aggregate', derived: {}, shareOf: {}, implied: {}, sums: [], tableBy: ['municipality'], ...d });
const cases = (lists: string): CaseLevel => Object.freeze({ kind: 'cases', lists });

const minus = (total: string, ...parts: string[]): Implied => (v) => {
  const values = [total, ...parts].map(v);
  return values.includes(undefined) ? undefined : values.slice(1).reduce((t: number, p) => t - p!, values[0]!);
};

/** Grants in effect on --on: every grant in effect has one offer, one level (or none) and 1–5 days (domain.md metric 3). */
const GRANTS_IN_EFFECT = { column: 'grants', shownBy: 'volume (grantsInEffect)' } as const;

export const PUBLIC_REPORTS: Readonly<Record<string, Declaration>> = Object.freeze({
  'processing-time': aggregate({
    labels: ['municipality', 'standardVersion', 'deadlineWeeks'],
    counts: ['decided', 'withinDeadline', 'open', 'atRisk', 'overdue', 'overdueWithoutNotice'],
    // Open applications are at risk, overdue or neither (at risk excludes overdue).
    implied: { late: minus('decided', 'withinDeadline'), onTrack: minus('open', 'atRisk', 'overdue'), notified: minus('overdue', 'overdueWithoutNotice') },
    sums: [['decided', ['withinDeadline', 'late']], ['open', ['onTrack', 'atRisk', 'overdue']], ['overdue', ['overdueWithoutNotice', 'notified']]],
    derived: { compliancePct: ['withinDeadline', 'late', 'decided'], medianDays: ['decided'], p90Days: ['decided'] },
  }),
  // Its 52 cumulative weeks are counts decided week by week, most of them 1–4 at a municipality's
  // scale; in one system with processing-time and the council report they withheld the year's
  // decisions everywhere (Roskilde 2024 on the demo data: 38 more counts withheld in the council
  // report, its decisions among them). The council report draws the curve at points 5 apart.
  'processing-time-curve': Object.freeze({
    kind: 'refused',
    why: 'its weekly counts of decisions, most of them small, would withhold the year\'s decisions in every public report and the council report (the council report draws the curve at points at least 5 decisions apart)',
  }),
  'days-per-week': aggregate({ labels: ['municipality', 'daysPerWeek'], counts: ['grants'], tableTotal: GRANTS_IN_EFFECT }),
  // Offers × days are mostly 1–4 at a municipality's scale; tied to days-per-week and the council
  // report's offers, they withheld the grants in effect and two of the five day counts (Roskilde
  // 2024 on the demo data). The council report gives the offers' totals, small offers merged.
  'days-per-week-by-offer': Object.freeze({
    kind: 'refused',
    why: 'its offer × days cells, most of them small, would withhold the grants in effect in every public report and the council report (use days-per-week, and the council report for the offers)',
  }),
  'days-per-week-by-level': aggregate({ labels: ['municipality', 'functionLevel', 'daysPerWeek'], counts: ['grants'], tableTotal: GRANTS_IN_EFFECT }),
  // Its cells are the finest of the four days-per-week tables, each suppressed on its own: with
  // -by-offer beside it, four level cells shown <5 under an offer's <5 pinned them all (82 of 714
  // hidden counts pinned on simulated data at scale 0.3). The other three pinned none together.
  'days-per-week-by-offer-level': Object.freeze({
    kind: 'refused',
    why: 'its offer × level cells, most of them small, would give their small numbers away beside days-per-week-by-level (use that)',
  }),
  absence: aggregate({
    labels: ['municipality', 'offerId'],
    counts: ['plannedDays', 'attended', 'cancelled', 'noShow'],
    sums: [['plannedDays', ['attended', 'cancelled', 'noShow']]],
    derived: { absenceRatePct: ['cancelled', 'noShow', 'plannedDays'] },
  }),
  complaints: aggregate({
    labels: ['municipality'],
    counts: ['decisions', 'complaints', 'caseHandlingComplaints', 'fullReversal', 'partial', 'maintained', 'forwarded',
      'upheld', 'changedOrAnnulled', 'remitted', 'dismissed'],
    // A complaint's latest reassessment and appeal outcome are one each, and forwarded complaints
    // are complaints. Decisions are by decision date: complaints about them are not a part of them.
    implied: {
      notReassessed: minus('complaints', 'fullReversal', 'partial', 'maintained'),
      notForwarded: minus('complaints', 'forwarded'),
      awaitingAppeal: minus('forwarded', 'upheld', 'changedOrAnnulled', 'remitted', 'dismissed'),
    },
    sums: [
      ['complaints', ['fullReversal', 'partial', 'maintained', 'notReassessed']],
      ['complaints', ['forwarded', 'notForwarded']],
      ['forwarded', ['upheld', 'changedOrAnnulled', 'remitted', 'dismissed', 'awaitingAppeal']],
    ],
    // timelyPct is of the complaints with a known decision: when that is not all of them, the
    // count behind it is not found and the percentage is withheld.
    derived: { timelyPct: ['complaints'], forwardedOnTimePct: ['partial', 'maintained'], reversalRatePct: ['upheld', 'changedOrAnnulled', 'remitted'] },
    shareOf: { timelyPct: ['complaints'], forwardedOnTimePct: ['partial', 'maintained'] },
  }),
  'migrations-82a': aggregate({
    labels: ['municipality', 'offerId', 'effectiveDate'],
    counts: ['cohort', 'continuedUnder82a', 'movedTo104', 'ended', 'stillRecordedAs104', 'lostAppealRoute'],
    // Each member of the cohort is in exactly one class; every one who continued under §82a lost the appeal route.
    sums: [['cohort', ['continuedUnder82a', 'movedTo104', 'ended', 'stillRecordedAs104']], ['lostAppealRoute', ['continuedUnder82a']]],
    derived: { medianGapDays: ['continuedUnder82a', 'movedTo104'] },
  }),
  'follow-up': aggregate({
    labels: ['municipality'],
    counts: ['activeGrants', 'overdue', 'held', 'heldOnTime'],
    implied: { notOverdue: minus('activeGrants', 'overdue'), heldLate: minus('held', 'heldOnTime') },
    sums: [['activeGrants', ['overdue', 'notOverdue']], ['held', ['heldOnTime', 'heldLate']]],
    derived: { heldOnTimePct: ['held', 'heldOnTime', 'heldLate'] },
  }),
  // A grant may break several rules: the rows do not add up to anything shown.
  eligibility: aggregate({ labels: ['municipality', 'rule'], counts: ['grants'] }),
  volume: aggregate({
    labels: ['municipality'],
    counts: ['applications', 'withdrawn', 'decisions', 'granted', 'partlyGranted', 'rejected', 'grantsInEffect', 'starts', 'ends'],
    sums: [['decisions', ['granted', 'partlyGranted', 'rejected']]],
    // of the grants decided in the period
    derived: { transportSharePct: ['granted', 'partlyGranted'] },
    shareOf: { transportSharePct: ['granted', 'partlyGranted'] },
  }),
  'open-applications': cases('lists cases (one row per open application)'),
  'absence-flags': cases('lists cases (one row per flagged case and offer)'),
  'eligibility-cases': cases('lists cases (one row per grant and rule it breaks)'),
  'data-quality': cases('lists cases (up to five case ids per check)'),
  'dead-letters': cases('lists rejected input lines, not counts of cases'),
});

export interface PublicOptions {
  /** Counts from 1 to threshold − 1 are shown as `<threshold`. */
  readonly threshold?: number;
}

export interface PublicReport {
  readonly threshold: number;
  readonly columns: string[];
  /** Counts as numbers, `<5` or `.`; percentages and medians as numbers, null or `.`. */
  readonly rows: Record<string, Cell>[];
  /**
   * Withheld counts a reader works out from the `<5` marks and the sums alone, which no choice
   * of complements protects (suppression.ts, `exposed`): merge categories. Usually empty.
   */
  readonly exposed: readonly string[];
}

/** The declaration of an aggregate report; anything else is refused with the reason. */
export function publicDeclaration(def: ReportDef): Aggregate {
  const d = PUBLIC_REPORTS[def.name];
  if (d === undefined) {
    throw new Sel104Error('SEL104_ERR_NOT_PUBLIC', `report "${def.name}" has no public version: reports/public.ts does not declare how its counts are tied, so small numbers cannot be suppressed`);
  }
  if (d.kind === 'cases') throw new Sel104Error('SEL104_ERR_NOT_PUBLIC', `report "${def.name}" ${d.lists}: it has no public version`);
  if (d.kind === 'refused') throw new Sel104Error('SEL104_ERR_NOT_PUBLIC', `report "${def.name}" has no public version: ${d.why}`);
  const declared = [...d.labels, ...d.counts, ...Object.keys(d.derived)];
  const columns = Object.keys(def.columns);
  const off = [...columns.filter((c) => !declared.includes(c)), ...declared.filter((c) => !columns.includes(c))];
  if (off.length > 0 || declared.length !== columns.length) {
    throw new Sel104Error('SEL104_ERR_INTERNAL', `the public declaration of "${def.name}" does not match its columns (${off.join(', ') || 'a column declared twice'})`);
  }
  return d;
}

/**
 * The periods a public output may cover, and as of when: whole calendar years that have ended
 * (`from` YYYY-01-01, `to` YYYY-12-31; several years by year), each year's stocks counted on its
 * last day and its events as recorded by its end (as the council report reads a past year). Each
 * year is one publication, suppressed together with every other public report and the council
 * report of that year (reports/publication.ts); an output over other periods or moments would
 * give a small count away by subtraction (the year less its last day is that day's decisions;
 * grants in effect on two consecutive days differ by one day's starts and ends; a year read a
 * month apart differs by that month's recordings; two years together less one is the other), so
 * a public reader gets no choice of period and none of moment. `on` and `asOf`, if given, must be
 * those of a one-year output. Returns the years' range.
 */
export function publicPeriods(
  params: { from?: string; to?: string; by?: string; offer?: string },
  given: { on?: string; asOf?: string },
  now: Date = new Date(),
): { from: string; to: string; by?: 'year' } {
  // One offer's rows form a system of their own, suppressed unlike the same rows among all offers
  // (whose totals tie them): the two outputs together could pin what either withholds.
  if (params.offer !== undefined) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', 'offer: a public report has every offer\'s rows, suppressed together; one offer\'s rows apart would be suppressed differently, and the two outputs together could give small numbers away');
  const rule = 'a public report covers whole calendar years that have ended (from YYYY-01-01 to YYYY-12-31, several years by year), each year on its last day, as of its end: periods or moments that overlap would give small numbers away by subtraction';
  if (params.from === undefined || !params.from.endsWith('-01-01')) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `from: ${rule}`);
  if (params.to === undefined || !params.to.endsWith('-12-31')) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `to: ${rule}`);
  if (params.by !== undefined && params.by !== 'year') throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `by: ${rule}`);
  const [first, last] = [params.from.slice(0, 4), params.to.slice(0, 4)];
  if (params.by === undefined && first !== last) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `by: ${rule}; ${first}–${last} needs a row per year (by year), as a sum over years beside each year's own report would give its small numbers away`);
  if (given.on !== undefined && (given.on !== params.to || first !== last)) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `on: ${rule}`);
  const asOf = endOfYear(Number(last));
  if (Date.parse(asOf) >= now.getTime()) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `to: ${rule}; ${last} has not ended`);
  if (given.asOf !== undefined && (Date.parse(given.asOf) !== Date.parse(asOf) || first !== last)) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `asOf: ${rule}${first === last ? `, ${asOf}` : ''}`);
  return { from: params.from, to: params.to, ...(params.by === 'year' ? { by: 'year' as const } : {}) };
}

/**
 * The report's rows with small numbers suppressed, as one system of their own. `sel104 report
 * --public` and the `council` role do not use it alone: they show a report as part of its year's
 * publication (reports/publication.ts), every public report and the council report in one system.
 */
export function publicReport(result: ReportResult, { threshold = DEFAULT_THRESHOLD }: PublicOptions = {}): PublicReport {
  const d = publicDeclaration(result.def);
  const counted = countSystem(d, result.rows, threshold);
  const s = suppressByParts(counted.system, threshold);
  const rows = showRows(d, result, counted, counted.system, s, threshold);
  return { threshold, columns: [...result.columns], rows, exposed: [...s.exposed].map(counted.describe) };
}

/**
 * The rows as shown under a suppression of `system`, which holds the rows' counts (`counted`)
 * and maybe more. `restsOn` adds, per derived column, counts of the system a percentage gives
 * back (the council report's transport count behind the transport share).
 */
export function showRows(
  d: Aggregate,
  result: Pick<ReportResult, 'columns' | 'rows'>,
  counted: Pick<CountedRows, 'cellOf' | 'unresolved'>,
  system: CountSystem,
  s: Suppression,
  threshold: number,
  restsOn: Readonly<Record<string, readonly CellId[]>> = {},
): Record<string, Cell>[] {
  const { cellOf, unresolved } = counted;
  return result.rows.map((row, i) => {
    const out: Record<string, Cell> = {};
    for (const c of result.columns) {
      const v = row[c]!;
      if (d.counts.includes(c)) out[c] = v === null ? null : shown(showCount(system, s, cellOf(i, c)));
      else if (c in d.derived) {
        const on = [...d.derived[c]!.map((n) => cellOf(i, n)), ...(restsOn[c] ?? [])];
        const withheld = on.some((id) => unresolved.has(id) || s.suppressed.has(id)) || (c in d.shareOf && givesSmallCount(v, d.shareOf[c]!.map((n) => row[n] ?? null), threshold));
        out[c] = v === null ? null : withheld ? WITHHELD : v;
      } else out[c] = v;
    }
    return out;
  });
}

/**
 * A public result as an Arrow IPC stream. Counts and derived columns are Utf8 (`<5` is no
 * number): a count keeps its digits, a percentage its one decimal.
 */
export function publicArrowIpc(result: ReportResult): Uint8Array {
  const d = publicDeclaration(result.def);
  const asText = new Set([...d.counts, ...Object.keys(d.derived)]);
  const columns: Record<string, ColumnKind> = Object.fromEntries(Object.entries(result.def.columns).map(([c, k]) => [c, asText.has(c) ? 'text' : k]));
  const text = (kind: ColumnKind, v: Cell): Cell => (typeof v !== 'number' ? v : kind === 'pct' ? v.toFixed(1) : String(v));
  const rows = result.rows.map((r) => Object.fromEntries(result.columns.map((c) => [c, asText.has(c) ? text(result.def.columns[c]!, r[c]!) : r[c]!])));
  return toArrowIpc({ ...result, def: { ...result.def, columns }, rows });
}

/**
 * Whether a percentage of the sum of `of` gives back a small count: the count behind it or the
 * rest. Found exactly for denominators below 1.000 (one decimal, lib.sql pct); when the percentage
 * is not of that sum after all, it cannot be checked and counts as giving one back.
 */
function givesSmallCount(pct: Cell, of: readonly Cell[], threshold: number): boolean {
  if (typeof pct !== 'number') return false;
  if (!of.every((x) => typeof x === 'number')) return true;
  const d = (of as number[]).reduce((s, x) => s + x, 0);
  const n = Math.round((pct * d) / 100);
  if (d === 0 || percent(n, d) !== pct) return true;
  const small = (x: number) => x >= 1 && x < threshold;
  return small(n) || small(d - n);
}

const shown = (text: string): Cell => (/^\d+$/.test(text) ? Number(text) : text);
const isCount = (v: number | undefined): v is number => v !== undefined && Number.isSafeInteger(v) && v >= 0;

/** Union–find over cell ids: which cells sums tie together. */
function linker(ids: Iterable<CellId>) {
  const up = new Map<CellId, CellId>([...ids].map((id) => [id, id]));
  const find = (id: CellId): CellId => {
    let r = id;
    while (up.get(r)! !== r) r = up.get(r)!;
    for (let x = id; x !== r; ) {
      const next = up.get(x)!;
      up.set(x, r);
      x = next;
    }
    return r;
  };
  return { find, link: (a: CellId, b: CellId) => void up.set(find(a), find(b)) };
}

/**
 * How the counts of a report's rows are named in a system that holds other outputs too: `name`
 * gives a count the id every output uses for it (reports/publication.ts), else it is the
 * report's own, after `prefix`.
 */
export interface Naming {
  readonly prefix: string;
  readonly name?: (row: Row, column: string) => CellId | undefined;
  /** The id of a table's `tableTotal`. */
  readonly total?: CellId;
}

export interface CountedRows {
  readonly system: CountSystem;
  readonly cellOf: (i: number, name: string) => CellId;
  readonly unresolved: ReadonlySet<CellId>;
  readonly describe: (id: CellId) => string;
}

/** Builds the one system of an output from its rows. */
export function countSystem(d: Aggregate, rows: readonly Row[], threshold: number, naming: Naming = { prefix: '' }): CountedRows {
  const values = new Map<CellId, number>();
  const implied = new Set<CellId>();
  /** Implied counts the row does not give (a count of the sum is null, or the sum does not hold in these data): what rests on them is withheld. */
  const unresolved = new Set<CellId>();
  const sums: Constraint[] = [];
  const where = new Map<CellId, string>();

  const add = (id: CellId, v: number, description: string) => {
    const seen = values.get(id);
    if (seen !== undefined && seen !== v) throw new Sel104Error('SEL104_ERR_INTERNAL', `public report: ${description} is ${seen} on one row and ${v} on another`);
    values.set(id, v);
    where.set(id, description);
  };
  const sum = (total: CellId, parts: readonly CellId[]) => {
    if ([total, ...parts].every((id) => values.has(id))) sums.push({ total, parts });
  };

  const tables = new Map<string, { index: number; rows: number[]; label: string }>();
  rows.forEach((row, i) => {
    const named = [...(row.period === undefined ? [] : ['period']), ...d.tableBy];
    const key = JSON.stringify(named.map((c) => row[c] ?? null));
    let table = tables.get(key);
    if (!table) tables.set(key, (table = { index: tables.size, rows: [], label: named.map((c) => `${c} ${String(row[c])}`).join(', ') }));
    table.rows.push(i);
  });
  /** Row i's count or implied count `name`. */
  const cellOf = (i: number, name: string): CellId => naming.name?.(rows[i]!, name) ?? `${naming.prefix}r${i}:${name}`;

  rows.forEach((row, i) => {
    const at = [...(row.period === undefined ? [] : [`period ${String(row.period)}`]), ...d.labels.map((l) => `${l} ${String(row[l])}`)].join(', ');
    const value: Value = (name) => {
      const v = row[name];
      return typeof v === 'number' ? v : undefined;
    };
    for (const c of d.counts) {
      const v = row[c];
      if (typeof v === 'number') add(cellOf(i, c), v, `${at}: ${c}`);
    }
    for (const [name, f] of Object.entries(d.implied)) {
      const id = cellOf(i, name), v = f(value);
      if (!isCount(v)) unresolved.add(id);
      else {
        add(id, v, `${at}: ${name} (not shown)`);
        implied.add(id);
      }
    }
    for (const [total, parts] of d.sums) sum(cellOf(i, total), parts.map((p) => cellOf(i, p)));
  });

  for (const { index: t, rows: members, label } of tables.values()) {
    if (d.tableTotal) {
      const { column, shownBy } = d.tableTotal;
      const parts = members.map((i) => cellOf(i, column)).filter((id) => values.has(id));
      if (parts.length > 0) {
        const id = naming.total ?? `${naming.prefix}t${t}:${column}:total`;
        add(id, parts.reduce((s, p) => s + values.get(p)!, 0), `${label}: all ${column}, as ${shownBy} shows them`);
        sum(id, parts);
      }
    }
  }

  // An implied count is kept, with every sum it is in and every implied count tied to it by
  // those sums, when one of them is below the threshold. A zero too: with it a sum is an
  // equation (open 6 = 5 overdue + `<5` at risk + 0 on track gives the 1 at risk).
  const groups = linker(implied);
  for (const { total, parts } of sums) {
    const mine = [total, ...parts].filter((id) => implied.has(id));
    for (const id of mine.slice(1)) groups.link(id, mine[0]!);
  }
  const small = (id: CellId) => values.get(id)! < threshold;
  const needed = new Set([...implied].filter(small).map(groups.find));
  const keep = (id: CellId) => !implied.has(id) || needed.has(groups.find(id));
  const kept = sums.filter(({ total, parts }) => [total, ...parts].every(keep));
  const used = new Set(kept.flatMap(({ total, parts }) => [total, ...parts]));
  const system: CountSystem = {
    values: new Map([...values].filter(([id]) => !implied.has(id) || used.has(id))),
    constraints: kept,
  };
  return { system, cellOf, unresolved, describe: (id: CellId) => where.get(id) ?? id };
}

/**
 * `suppress` on each part of the system that no sum ties to another. A reader's equations and
 * bounds never cross parts, so a part is protected by complements of its own, as in the whole
 * system; the exact elimination then runs over one table's counts at a time instead of every
 * period's at once.
 */
export function suppressByParts(system: CountSystem, threshold: number): Suppression {
  const tied = linker(system.values.keys());
  for (const { total, parts } of system.constraints) for (const p of parts) tied.link(p, total);
  const parts = new Map<CellId, { values: Map<CellId, number>; constraints: Constraint[] }>();
  const partOf = (id: CellId) => {
    const r = tied.find(id);
    if (!parts.has(r)) parts.set(r, { values: new Map(), constraints: [] });
    return parts.get(r)!;
  };
  for (const [id, v] of system.values) partOf(id).values.set(id, v);
  for (const c of system.constraints) partOf(c.total).constraints.push(c);
  // Counts in no sum are one part: only the primary rule applies to them.
  const loose = { values: new Map<CellId, number>(), constraints: [] as Constraint[] };
  const results: Suppression[] = [];
  for (const part of parts.values()) {
    if (part.constraints.length > 0) results.push(suppress(part, { threshold }));
    else for (const [id, v] of part.values) loose.values.set(id, v);
  }
  results.push(suppress(loose, { threshold }));
  const all = (pick: (s: Suppression) => ReadonlySet<CellId>) => new Set(results.flatMap((s) => [...pick(s)]));
  return { threshold, primary: all((s) => s.primary), suppressed: all((s) => s.suppressed), exposed: all((s) => s.exposed) };
}
