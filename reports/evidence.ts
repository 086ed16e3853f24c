import type { DuckDBConnection } from '@duckdb/node-api';
import { Sel104Error } from '../schemas/errors.ts';
import type { Standard, StandardVersion } from '../schemas/standard.ts';
import type { ReportParams } from './params.ts';
import { runOverWindows, type Row, type RunOptions, type Window } from './runner.ts';

/**
 * The quality standard's evidence sheet (`standard-evidence`): for each rule of a municipality's
 * standard and each of its versions, the rule's value and wording (from the version's `source`)
 * and the measured practice, side by side:
 *   inForce…    the practice while the version was in force (the period clipped to its dates),
 *               measured against its own rule;
 *   ifApplied…  every case of the whole period measured against this version's rule: "with the
 *               old 20 weeks instead of 12, how many decisions would have been late?"
 * Each figure is one of the metric reports (domain.md) run on a standard whose versions all carry
 * this version's rule values, so the evidence uses exactly the definitions of the reports.
 */
export const EVIDENCE_RULES = [
  'processing_deadline', 'days_per_week', 'follow_up_interval', 'complaint_forwarding',
  'target_group_age', 'target_group_function_level', 'action_plan', 'provider_approval',
] as const;
export type EvidenceRule = (typeof EVIDENCE_RULES)[number];

/** A rule's value in words: `en` is the report's (language-neutral) value, `da` the dashboards' Danish. */
export interface RuleValue {
  en: string;
  da: string;
}

interface RuleDef {
  /** The rule's value in a version; null: the version has no such rule. */
  value(v: StandardVersion): RuleValue | null;
  /** What the percentage counts (the base is the count in `…Base`). */
  measure: string;
  /** Clauses of `source` that state the rule: Danish wording first, the note's English as a fallback. */
  wording: { da: RegExp; en: RegExp; not?: RegExp };
}

const RULES: Readonly<Record<EvidenceRule, RuleDef>> = {
  processing_deadline: {
    value: (v) => (v.processingDeadlineWeeks === null ? null : { en: `${v.processingDeadlineWeeks} weeks`, da: `${v.processingDeadlineWeeks} uger` }),
    measure: 'decisions in the period decided within the deadline (base: decisions)',
    wording: { da: /uger/, en: /processing deadline/i, not: /klage|modtaget afgørelsen/i },
  },
  days_per_week: {
    value: (v) => ({ en: `${v.daysPerWeek.min}–${v.daysPerWeek.max} days`, da: `${v.daysPerWeek.min}–${v.daysPerWeek.max} dage` }),
    measure: 'grants in effect on the snapshot date within the days-per-week range (base: grants in effect)',
    wording: { da: /dage/, en: /days per week/i },
  },
  follow_up_interval: {
    value: (v) => ({ en: `${v.followUpMonths} months`, da: `${v.followUpMonths} måneder` }),
    measure: 'follow-ups held in the period that were on time (base: follow-ups held)',
    wording: { da: /følge|opfølgning/i, en: /follow/i },
  },
  complaint_forwarding: {
    value: (v) => ({ en: `${v.forwardWithinDays} days`, da: `${v.forwardWithinDays} dage` }),
    measure: 'complaints reassessed partly or not in the citizen’s favour that were forwarded in time (base: those complaints)',
    wording: { da: /ankestyrelsen|videresend/i, en: /complaint/i },
  },
  target_group_age: {
    value: ({ targetGroup: g }) => ({
      en: `from ${g.minAge} years${g.maxAgeIsPensionAge ? ', below pension age' : ''}`,
      da: `fra ${g.minAge} år${g.maxAgeIsPensionAge ? ', under folkepensionsalderen' : ''}`,
    }),
    measure: 'grants decided in the period to citizens inside the age limits (base: grants)',
    wording: { da: /\d+\s*år\b|folkepension/i, en: /\bage\b/i },
  },
  target_group_function_level: {
    value: ({ targetGroup: g }) => (g.minFunctionLevel === null ? null : { en: `VUM level ${g.minFunctionLevel} or higher`, da: `VUM-gruppe ${g.minFunctionLevel} eller højere` }),
    measure: 'grants decided in the period at or above the function level (base: grants)',
    wording: { da: /gruppe\s*\d|VUM/, en: /VUM|function level/i },
  },
  action_plan: {
    value: (v) => (v.actionPlanRequired ? { en: 'required', da: 'påkrævet' } : null),
    measure: 'grants decided in the period with an action plan offered within 30 days (base: grants)',
    wording: { da: /handleplan/i, en: /action plan/i },
  },
  provider_approval: {
    value: (v) => (v.providersMustBeApproved ? { en: 'approved by Socialtilsynet and listed on Tilbudsportalen', da: 'godkendt af Socialtilsynet og opført på Tilbudsportalen' } : null),
    measure: 'grants decided in the period at approved and listed providers (base: grants)',
    wording: { da: /godkendt|tilbudsportal|socialtilsyn/i, en: /approv/i },
  },
};

/** The eligibility rule (eligibility report) each target-group rule is measured by. */
const ELIGIBILITY: Partial<Record<EvidenceRule, readonly string[]>> = {
  target_group_age: ['under_18', 'over_pension_age'],
  target_group_function_level: ['below_function_level'],
  action_plan: ['no_action_plan'],
  provider_approval: ['provider_not_approved'],
};

/**
 * The clauses of a `source` note: split at sentence ends and semicolons outside quotes, each
 * prefixed with the section label it falls under (`§11:`, `Målgruppe:`).
 */
export function sourceClauses(source: string): string[] {
  const clauses: string[] = [];
  let quoted = false;
  let start = 0;
  let label = '';
  const push = (end: number) => {
    let text = source.slice(start, end).trim();
    if (!text) return;
    const m = /^((?:§\s?\d+(?:\/§\s?\d+)*|[A-ZÆØÅ][a-zæøå]+):)\s*/.exec(text);
    if (m) {
      label = m[1]!;
      text = text.slice(m[0].length);
    }
    clauses.push(label && !text.startsWith(label) ? `${label} ${text}` : text);
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    const rest = source.slice(i + 1, i + 40);
    // a sentence ends at a full stop (or a quote closing on one) before a capital or a new label
    const sentenceEnd = (ch === '.' && /^\s+(?:§|[A-Za-zÆØÅ"])/.test(rest)) || (ch === '"' && source[i - 1] === '.' && /^\s+(?:§\s?\d|[A-ZÆØÅ][a-zæøå]+:)/.test(rest));
    if (sentenceEnd || ch === ';') {
      push(sentenceEnd ? i + 1 : i);
      start = i + 1;
      // a new sentence starts a new section unless it carries its own label
      if (sentenceEnd) label = '';
    }
  }
  push(source.length);
  return clauses;
}

/** Every value the evidence sheet gives a rule in the standards' versions, in both languages. */
export const ruleValues = (standards: Iterable<Standard>): RuleValue[] =>
  [...standards].flatMap((s) => s.versions.flatMap((v) => EVIDENCE_RULES.map((rule) => RULES[rule].value(v)).filter((x) => x !== null)));

const quotes = (clause: string): string => [...clause.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join(' ');

/** The wording of a rule in a version: the clauses quoting it, else the clauses of the note about it. */
export function ruleWording(rule: EvidenceRule, source: string): string | null {
  const { da, en, not } = RULES[rule].wording;
  const clauses = sourceClauses(source);
  const danish = clauses.filter((c) => da.test(quotes(c)) && !(not && not.test(quotes(c))));
  const found = danish.length > 0 ? danish : clauses.filter((c) => en.test(c.replace(/"[^"]*"/g, '')));
  return found.length > 0 ? found.join(' … ') : null;
}

/** A percentage with one decimal, rounded half up, as the reports' pct() macro computes it. */
const pct = (n: number, d: number): number | null => (d === 0 ? null : Math.floor((2000 * n + d) / (2 * d)) / 10);
const num = (x: unknown): number => Number(x ?? 0);
const sum = (rows: Row[], f: (r: Row) => number): number => rows.reduce((s, r) => s + f(r), 0);

interface Measured {
  base: number | null;
  pct: number | null;
}

const effectiveTo = (s: Standard, i: number): string => {
  const next = s.versions[i + 1];
  if (!next) return '9999-12-31';
  const d = new Date(`${next.effectiveFrom}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
};

/** A standard whose every version carries `v`'s rule values (ids and dates kept). */
const everyVersionAs = (s: Standard, v: StandardVersion): Standard =>
  ({ ...s, versions: s.versions.map((x) => ({ ...v, id: x.id, effectiveFrom: x.effectiveFrom, source: x.source })) });

/** Decisions and the share within the deadline; no share where no version has a deadline. */
const deadlineFigure = (rows: Row[]): Measured => {
  const withDeadline = rows.filter((r) => r.deadlineWeeks !== null);
  return {
    base: sum(rows, (r) => num(r.decided)),
    pct: withDeadline.length > 0 ? pct(sum(withDeadline, (r) => num(r.withinDeadline)), sum(withDeadline, (r) => num(r.decided))) : null,
  };
};

const MEASURED_BY = ['processing-time', 'days-per-week', 'follow-up', 'complaints', 'eligibility'] as const;
type MeasuredBy = (typeof MEASURED_BY)[number];

/**
 * The rule values of a version each report reads (through `standard_versions`); ids and dates are
 * the same in the actual and the hypothetical standards. days-per-week counts grants by their days
 * and reads no rule value: its range is applied here, per version.
 */
const READS: Readonly<Record<MeasuredBy, (v: StandardVersion) => unknown>> = {
  'processing-time': (v) => v.processingDeadlineWeeks,
  'days-per-week': () => null,
  'follow-up': (v) => v.followUpMonths,
  complaints: (v) => [v.complaintWindowDays, v.forwardWithinDays],
  eligibility: (v) => [v.targetGroup, v.actionPlanRequired, v.providersMustBeApproved],
};

/**
 * The reports whose rows on `everyVersionAs(s, v)` can differ from those on `s`: those reading a
 * rule value that some version of `s` holds differently from `v`.
 */
const changedBy = (s: Standard, v: StandardVersion): MeasuredBy[] =>
  MEASURED_BY.filter((name) => s.versions.some((x) => JSON.stringify(READS[name](x)) !== JSON.stringify(READS[name](v))));

/** The rows of the metric reports in one run, by window label and municipality. */
class Measurements {
  /**
   * @param rows     the rows of the reports run
   * @param grants   grants decided per window and municipality
   * @param fallback where the reports not run are read (the same windows, on standards that give
   *                 them the same rows)
   */
  constructor(
    private readonly rows: ReadonlyMap<string, Row[]>,
    private readonly grants: ReadonlyMap<string, number> | undefined,
    private readonly fallback?: Measurements,
  ) {}

  of(report: MeasuredBy, window: string, municipality: string): Row[] {
    const rows = this.rows.get(report);
    if (rows === undefined) return this.fallback!.of(report, window, municipality);
    return rows.filter((r) => r.period === window && r.municipality === municipality);
  }

  /** Grants decided in the window: the eligibility rules' base (no rule value changes it). */
  grantsIn(window: string, municipality: string): number {
    if (this.grants === undefined) return this.fallback!.grantsIn(window, municipality);
    return this.grants.get(`${window}\u0000${municipality}`) ?? 0;
  }

  /** Every rule's figure in one window and municipality, with `v`'s days-per-week range. */
  figures(window: string, municipality: string, v: StandardVersion): Record<EvidenceRule, Measured> {
    const days = this.of('days-per-week', window, municipality);
    const follow = this.of('follow-up', window, municipality)[0] ?? {};
    const complaints = this.of('complaints', window, municipality)[0] ?? {};
    const eligibility = this.of('eligibility', window, municipality);
    const grants = this.grantsIn(window, municipality);
    const inRange = days.filter((r) => num(r.daysPerWeek) >= v.daysPerWeek.min && num(r.daysPerWeek) <= v.daysPerWeek.max);
    const totalDays = sum(days, (r) => num(r.grants));
    const reassessedAgainst = num(complaints.partial) + num(complaints.maintained);
    const out = {
      processing_deadline: deadlineFigure(this.of('processing-time', window, municipality)),
      days_per_week: { base: totalDays, pct: pct(sum(inRange, (r) => num(r.grants)), totalDays) },
      follow_up_interval: { base: num(follow.held), pct: pct(num(follow.heldOnTime), num(follow.held)) },
      complaint_forwarding: { base: reassessedAgainst, pct: (complaints.forwardedOnTimePct as number | null | undefined) ?? null },
    } as Record<EvidenceRule, Measured>;
    for (const [rule, names] of Object.entries(ELIGIBILITY) as [EvidenceRule, readonly string[]][]) {
      const breaking = sum(eligibility.filter((r) => names.includes(String(r.rule))), (r) => num(r.grants));
      out[rule] = { base: grants, pct: pct(grants - breaking, grants) };
    }
    return out;
  }
}

/**
 * Runs metric reports once on a set of standards over several windows: every figure is one of
 * the metric reports (domain.md), so the evidence uses exactly the definitions of the reports.
 * With `fallback`, runs only `reports` and reads the others (and the grants decided) from it.
 */
async function measure(
  conn: DuckDBConnection, standards: ReadonlyMap<string, Standard>, windows: readonly Window[], params: ReportParams, opts: RunOptions,
  reports: readonly MeasuredBy[] = MEASURED_BY, fallback?: Measurements,
): Promise<Measurements> {
  const runOpts = { ...opts, standards };
  // every view keys on the municipality: with one standard, the others' events need not be read
  const only = standards.size === 1 ? [...standards.keys()][0] : undefined;
  const p = { municipality: params.municipality ?? only, asOf: params.asOf };
  const rows = new Map<string, Row[]>();
  for (const name of reports) rows.set(name, await runOverWindows(conn, name, windows, p, runOpts));
  if (fallback) return new Measurements(rows, undefined, fallback);
  // grants decided in each window (the session still holds this run's parameters)
  const counted = (await conn.runAndReadAll(
    `SELECT p.period, g.municipality, count(*) FROM grants g JOIN periods p ON g.decided_on BETWEEN p.p_from AND p.p_to GROUP BY ALL`,
  )).getRowsJS();
  const grants = new Map(counted.map(([w, m, n]) => [`${String(w)}\u0000${String(m)}`, Number(n)]));
  return new Measurements(rows, grants);
}

const EMPTY = Object.fromEntries(EVIDENCE_RULES.map((r) => [r, { base: null, pct: null }])) as Record<EvidenceRule, Measured>;

const later = (a: string, b: string): string => (a > b ? a : b);
const earlier = (a: string, b: string): string => (a < b ? a : b);

/**
 * The evidence rows: municipality × rule × standard version. The reports run in as few passes as
 * the versions allow: one on the actual standards over the whole period and every version's
 * window while in force, then one per version number k on standards whose versions all carry
 * their k-th version's rules (the municipalities with a k-th version, together), of only the
 * reports that read a rule value the k-th version changes.
 */
export async function standardEvidence(conn: DuckDBConnection, params: ReportParams & { on: string }, opts: RunOptions): Promise<Row[]> {
  if (params.by) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', 'by: standard-evidence compares versions over one period; run it per period with --from and --to');
  const codes = params.municipality ? [params.municipality] : [...opts.standards.keys()].sort();
  const standards = codes.map((code) => opts.standards.get(code)!);
  const whole: Window = { label: 'whole', from: params.from ?? '0001-01-01', to: params.to ?? params.on, on: params.to && params.to < params.on ? params.to : params.on };

  // While in force: each version's dates clipped to the period, against the actual standard.
  const inForceWindow = (s: Standard, i: number): Window | undefined => {
    const v = s.versions[i]!;
    const w = { label: `${s.municipality}/${i}`, from: later(whole.from, v.effectiveFrom), to: earlier(whole.to, effectiveTo(s, i)), on: earlier(whole.on, effectiveTo(s, i)) };
    return w.from <= w.to && w.on >= v.effectiveFrom ? w : undefined;
  };
  const windows = [whole, ...standards.flatMap((s) => s.versions.map((_, i) => inForceWindow(s, i)).filter((w) => w !== undefined))];
  const actual = await measure(conn, new Map(standards.map((s) => [s.municipality, s])), windows, params, opts);

  // If applied: the whole period with every version carrying the k-th version's rules. Where no
  // report reads a value the k-th version changes (a standard of one version, for one), the
  // figures are the actual run's.
  const applied = new Map<string, Measurements>();
  const versionCounts = standards.map((s) => s.versions.length);
  for (let k = 0; k < Math.max(...versionCounts); k++) {
    // only the reports that read a rule value the k-th version changes run again
    const changed = new Map(standards.filter((s) => k < s.versions.length).map((s) => [s, changedBy(s, s.versions[k]!)]));
    const varied = [...changed.keys()].filter((s) => changed.get(s)!.length > 0);
    if (varied.length === 0) continue;
    const reports = MEASURED_BY.filter((name) => varied.some((s) => changed.get(s)!.includes(name)));
    const hypothetical = new Map(varied.map((s) => [s.municipality, everyVersionAs(s, s.versions[k]!)]));
    const run = await measure(conn, hypothetical, [whole], params, opts, reports, actual);
    for (const s of varied) applied.set(`${s.municipality}/${k}`, run);
  }

  const rows: Row[] = [];
  for (const standard of standards) {
    const code = standard.municipality;
    // the deadline's practice under a version: decisions on the applications received under it
    const processing = actual.of('processing-time', whole.label, code);
    const figures = standard.versions.map((v, i) => {
      const ifApplied = (applied.get(`${code}/${i}`) ?? actual).figures(whole.label, code, v);
      const w = inForceWindow(standard, i);
      const inForce = w ? actual.figures(w.label, code, v) : EMPTY;
      const deadline = deadlineFigure(processing.filter((r) => r.standardVersion === v.id));
      return { v, ifApplied, inForce: { ...inForce, processing_deadline: deadline } };
    });
    for (const rule of EVIDENCE_RULES) {
      for (const { v, ifApplied, inForce } of figures) {
        const value = RULES[rule].value(v)?.en ?? null;
        rows.push({
          municipality: code,
          rule,
          standardVersion: v.id,
          effectiveFrom: v.effectiveFrom,
          value,
          wording: ruleWording(rule, v.source),
          measure: RULES[rule].measure,
          inForceBase: inForce[rule].base,
          inForcePct: value === null ? null : inForce[rule].pct,
          ifAppliedBase: ifApplied[rule].base,
          ifAppliedPct: value === null ? null : ifApplied[rule].pct,
        });
      }
    }
  }
  return rows;
}
