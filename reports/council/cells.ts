import { Sel104Error } from '../../schemas/errors.ts';
import {
  DEFAULT_THRESHOLD,
  WITHHELD,
  belowThreshold,
  combineSystems,
  derivedSuppressed,
  showCount,
  suppress,
  tableWithMargins,
  type CellId,
  type CellIdOf,
  type CountSystem,
  type Suppression,
} from '../suppression.ts';
import { formatInt, formatPct } from './danish.ts';

/**
 * Every count of one council report in ONE suppression system (reports/suppression.ts), so
 * that no withheld count can be worked out from its table, another table, a text or a chart.
 * A count shown twice (decisions in the volume and the complaint tables, grants in effect in
 * four places) has one id. A count a reader can subtract from shown counts (the grants that do
 * NOT break a rule) is registered too when it is small, though never printed, so that it is
 * protected as well.
 */
export class CountBook {
  readonly #systems: CountSystem[] = [];

  /** One count; the same id registered twice must hold the same count. */
  cell(id: CellId, value: number): CellId {
    this.#systems.push({ values: new Map([[id, value]]), constraints: [] });
    return id;
  }

  /** `total = Σ parts`, for counts registered (before or after) with `cell`. */
  sum(total: CellId, parts: readonly CellId[]): void {
    if (parts.length > 0) this.#systems.push({ values: new Map(), constraints: [{ total, parts }] });
  }

  /**
   * A count never printed, that a reader knows only to be a count (≥ 0): the slack that turns what
   * a reader knows as "at least" into a sum (the year's decisions = its first decisions + later
   * ones). Suppression treats it as withheld from the start.
   */
  unpublished(id: CellId, value: number): CellId {
    this.#systems.push({ values: new Map([[id, value]]), constraints: [], unpublished: new Set([id]) });
    return id;
  }

  /**
   * A count never printed that a reader can still work out as `total − Σ others`, all printed
   * (the grants that do NOT break a rule). It needs protecting only when it is small; when it is
   * not, registering it would only make suppression withhold more than it must.
   */
  derived(id: CellId, value: number, total: CellId, others: readonly CellId[]): void {
    if (value < 1 || value >= DEFAULT_THRESHOLD) return;
    this.cell(id, value);
    this.sum(total, [...others, id]);
  }

  /** A table with its row, column and grand totals; `cellId` names the margins it shares. */
  table(values: readonly (readonly number[])[], cellId: CellIdOf): void {
    this.#systems.push(tableWithMargins(values, cellId));
  }

  /**
   * The book's counts and sums. A sum naming a cell the book does not hold ties the report to a
   * count of another output (a public report's cumulative curve, its offers by days): it is kept
   * only when that output is in the same system (reports/publication.ts), else dropped here.
   */
  system(): CountSystem {
    const all = this.rawSystem();
    return { ...all, constraints: all.constraints.filter(({ total, parts }) => [total, ...parts].every((id) => all.values.has(id))) };
  }

  /** Every count and sum registered, the sums naming counts of other outputs too. */
  rawSystem(): CountSystem {
    return combineSystems(...this.#systems);
  }

  /** The report suppressed on its own: for a year not over or another as-of moment than its end. */
  seal(): Shown {
    const system = this.system();
    return new Shown(system, suppress(system));
  }
}

/** n ÷ d × 100 with one decimal, rounded half up in integers as the reports' SQL does (lib.sql pct). */
export const percent = (n: number, d: number): number => Math.floor((2000 * n + d) / (2 * d)) / 10;

/** What may be printed, after suppression. */
export class Shown {
  readonly system: CountSystem;
  readonly suppression: Suppression;
  constructor(system: CountSystem, suppression: Suppression) {
    this.system = system;
    this.suppression = suppression;
  }

  /** "1.234", "<5" or "." */
  count(id: CellId): string {
    const text = showCount(this.system, this.suppression, id);
    return /^\d+$/.test(text) ? formatInt(Number(text)) : text;
  }

  published(...ids: CellId[]): boolean {
    return !derivedSuppressed(ids, this.suppression);
  }

  isSmall(id: CellId): boolean {
    return this.suppression.primary.has(id);
  }

  /** The count if published, else undefined: what charts and texts may use. */
  value(id: CellId): number | undefined {
    if (!this.published(id)) return undefined;
    const v = this.system.values.get(id);
    if (v === undefined) throw new Sel104Error('SEL104_ERR_INTERNAL', `council report: unknown cell ${id}`);
    return v;
  }

  /** A percentage resting on counts: "81,3 %", "." when one of them is withheld, "–" without a denominator. */
  pct(value: number | null, restsOn: readonly CellId[]): string {
    if (!this.published(...restsOn)) return WITHHELD;
    return value === null ? '–' : formatPct(value);
  }

  /** A median or percentile in days resting on counts. */
  days(value: number | null, restsOn: readonly CellId[]): string {
    if (!this.published(...restsOn)) return WITHHELD;
    return value === null ? '–' : formatInt(value);
  }

  /** `part` as a percentage of `whole`, both counts of the book: "12,5 %", "." or "–" (no denominator). */
  share(part: CellId, whole: CellId): string {
    const n = this.value(part), d = this.value(whole);
    if (n === undefined || d === undefined) return WITHHELD;
    return d === 0 ? '–' : formatPct(percent(n, d));
  }

  /** A count in running text: "1.234", "færre end 5", or undefined when withheld. */
  phrase(id: CellId): string | undefined {
    if (this.isSmall(id)) return `færre end ${this.suppression.threshold}`;
    const v = this.value(id);
    return v === undefined ? undefined : formatInt(v);
  }

  /** A percentage in running text, or undefined. */
  pctPhrase(value: number | null, restsOn: readonly CellId[]): string | undefined {
    return value !== null && this.published(...restsOn) ? formatPct(value) : undefined;
  }

  get marks(): { small: string; withheld: string } {
    return { small: belowThreshold(this.suppression.threshold), withheld: WITHHELD };
  }
}

/**
 * Merges the categories whose count is small into one ("Øvrige tilbud"), smallest first, adding
 * the next smallest until the merged count is 0 or at least the threshold. Merging loses less
 * than suppression, which would take a margin or a neighbour with every small cell.
 */
export function mergeSmall<T>(items: readonly T[], count: (item: T) => number, threshold = DEFAULT_THRESHOLD): { kept: T[]; merged: T[] } {
  const small = (n: number) => n >= 1 && n < threshold;
  const bySize = [...items].sort((a, b) => count(a) - count(b));
  const merged = bySize.filter((i) => small(count(i)));
  if (merged.length === 0) return { kept: [...items], merged: [] };
  let total = merged.reduce((s, i) => s + count(i), 0);
  for (const next of bySize) {
    if (!small(total)) break;
    if (merged.includes(next) || count(next) === 0) continue;
    merged.push(next);
    total += count(next);
  }
  // Everything in "Øvrige" says nothing: leave the categories to suppression instead.
  if (merged.length === items.length) return { kept: [...items], merged: [] };
  return { kept: items.filter((i) => !merged.includes(i)), merged: items.filter((i) => merged.includes(i)) };
}
