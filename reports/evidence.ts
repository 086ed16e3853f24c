import type { DuckDBConnection } from '@duckdb/node-api';
import { Sel104Error } from '../schemas/errors.ts';
import type { Standard, StandardVersion } from '../schemas/standard.ts';
import type { ReportParams } from './params.ts';
import { runReport, type Row, type RunOptions } from './runner.ts';

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

interface RuleDef {
  /** The rule's value in a version, language-neutral; null: the version has no such rule. */
  value(v: StandardVersion): string | null;
  /** What the percentage counts (the base is the count in `…Base`). */
  measure: string;
  /** Clauses of `source` that state the rule: Danish wording first, the note's English as a fallback. */
  wording: { da: RegExp; en: RegExp; not?: RegExp };
}

const RULES: Readonly<Record<EvidenceRule, RuleDef>> = {
  processing_deadline: {
    value: (v) => (v.processingDeadlineWeeks === null ? null : `${v.processingDeadlineWeeks} weeks`),
    measure: 'decisions in the period decided within the deadline (base: decisions)',
    wording: { da: /uger/, en: /processing deadline/i, not: /klage|modtaget afgørelsen/i },
  },
  days_per_week: {
    value: (v) => `${v.daysPerWeek.min}–${v.daysPerWeek.max} days`,
    measure: 'grants in effect on the snapshot date within the days-per-week range (base: grants in effect)',
    wording: { da: /dage/, en: /days per week/i },
  },
  follow_up_interval: {
    value: (v) => `${v.followUpMonths} months`,
    measure: 'follow-ups held in the period that were on time (base: follow-ups held)',
    wording: { da: /følge|opfølgning/i, en: /follow/i },
  },
  complaint_forwarding: {
    value: (v) => `${v.forwardWithinDays} days`,
    measure: 'complaints reassessed partly or not in the citizen’s favour that were forwarded in time (base: those complaints)',
    wording: { da: /ankestyrelsen|videresend/i, en: /complaint/i },
  },
  target_group_age: {
    value: (v) => `from ${v.targetGroup.minAge} years${v.targetGroup.maxAgeIsPensionAge ? ', below pension age' : ''}`,
    measure: 'grants decided in the period to citizens inside the age limits (base: grants)',
    wording: { da: /\d+\s*år\b|folkepension/i, en: /\bage\b/i },
  },
  target_group_function_level: {
    value: (v) => (v.targetGroup.minFunctionLevel === null ? null : `VUM level ${v.targetGroup.minFunctionLevel} or higher`),
    measure: 'grants decided in the period at or above the function level (base: grants)',
    wording: { da: /gruppe\s*\d|VUM/, en: /VUM|function level/i },
  },
  action_plan: {
    value: (v) => (v.actionPlanRequired ? 'required' : null),
    measure: 'grants decided in the period with an action plan offered within 30 days (base: grants)',
    wording: { da: /handleplan/i, en: /action plan/i },
  },
  provider_approval: {
    value: (v) => (v.providersMustBeApproved ? 'approved by Socialtilsynet and listed on Tilbudsportalen' : null),
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

interface Window {
  from: string;
  to: string;
  on: string;
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

/** Every rule's figure for one window and one standard (actual or hypothetical). */
async function measure(conn: DuckDBConnection, standard: Standard, w: Window, opts: RunOptions, base: ReportParams): Promise<Record<EvidenceRule, Measured>> {
  const standards = new Map([[standard.municipality, standard]]);
  const params = { ...base, municipality: standard.municipality, from: w.from, to: w.to, on: w.on };
  const run = async (name: string) => (await runReport(conn, name, params, { ...opts, standards })).rows;

  const processing = deadlineFigure(await run('processing-time'));
  const days = await run('days-per-week');
  const follow = (await run('follow-up'))[0] ?? {};
  const complaints = (await run('complaints'))[0] ?? {};
  const eligibility = await run('eligibility');
  // grants decided in the period: the eligibility rules' base (the session still holds this run's parameters)
  const grants = Number(
    (await conn.runAndReadAll(`SELECT count(*) FROM grants g JOIN periods p ON g.decided_on BETWEEN p.p_from AND p.p_to`)).getRowsJS()[0]![0],
  );
  const v = standard.versions[0]!;
  const inRange = days.filter((r) => num(r.daysPerWeek) >= v.daysPerWeek.min && num(r.daysPerWeek) <= v.daysPerWeek.max);
  const totalDays = sum(days, (r) => num(r.grants));
  const reassessedAgainst = num(complaints.partial) + num(complaints.maintained);
  const out = {
    processing_deadline: processing,
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

const EMPTY = Object.fromEntries(EVIDENCE_RULES.map((r) => [r, { base: null, pct: null }])) as Record<EvidenceRule, Measured>;

const later = (a: string, b: string): string => (a > b ? a : b);
const earlier = (a: string, b: string): string => (a < b ? a : b);

/** The evidence rows: municipality × rule × standard version. */
export async function standardEvidence(conn: DuckDBConnection, params: ReportParams & { on: string }, opts: RunOptions): Promise<Row[]> {
  if (params.by) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', 'by: standard-evidence compares versions over one period; run it per period with --from and --to');
  const codes = params.municipality ? [params.municipality] : [...opts.standards.keys()].sort();
  const period: Window = { from: params.from ?? '0001-01-01', to: params.to ?? params.on, on: params.to && params.to < params.on ? params.to : params.on };
  const rows: Row[] = [];
  for (const code of codes) {
    const standard = opts.standards.get(code)!;
    // the deadline's practice under a version: decisions on the applications received under it
    const actual = new Map([[code, standard]]);
    const processing = (await runReport(conn, 'processing-time', { ...params, municipality: code, from: period.from, to: period.to, on: period.on }, { ...opts, standards: actual })).rows;
    // one version at a time: the runs share the connection's session state
    const figures = [];
    for (const [i, v] of standard.versions.entries()) {
      const ifApplied = await measure(conn, everyVersionAs(standard, v), period, opts, params);
      // while in force: the period clipped to the version's dates, against the actual standard
      const clipped: Window = { from: later(period.from, v.effectiveFrom), to: earlier(period.to, effectiveTo(standard, i)), on: earlier(period.on, effectiveTo(standard, i)) };
      const inForce = clipped.from <= clipped.to && clipped.on >= v.effectiveFrom ? await measure(conn, standard, clipped, opts, params) : undefined;
      const deadline = deadlineFigure(processing.filter((r) => r.standardVersion === v.id));
      figures.push({ v, ifApplied, inForce: { ...(inForce ?? EMPTY), processing_deadline: deadline } });
    }
    for (const rule of EVIDENCE_RULES) {
      for (const { v, ifApplied, inForce } of figures) {
        const value = RULES[rule].value(v);
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
