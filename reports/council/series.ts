import type { Row } from '../runner.ts';
import { DEFAULT_THRESHOLD } from '../suppression.ts';
import { quarterLabel } from './danish.ts';

/**
 * The time resolution of a series in the council report: quarters when no quarter holds a small
 * count, else half-years, else none (the year's figures only). Merging periods keeps the year's
 * totals published; suppressing a small quarter would take a total or a neighbour with it.
 */
export interface PeriodGroup {
  label: string;
  rows: Row[];
}

export type Resolution = 'kvartal' | 'halvår' | 'none';

export function seriesGroups(rows: readonly Row[], counts: (rows: readonly Row[]) => readonly number[]): { resolution: Resolution; groups: PeriodGroup[] } {
  const periods = [...new Set(rows.map((r) => String(r.period)))];
  const of = (ps: readonly string[]) => rows.filter((r) => ps.includes(String(r.period)));
  const quarters = periods.map((p) => ({ label: quarterLabel(p), rows: of([p]) }));
  const halves = [['Q1', 'Q2'], ['Q3', 'Q4']]
    .map((qs, i) => ({ label: `${i + 1}. halvår`, rows: of(periods.filter((p) => qs.some((q) => p.endsWith(q)))) }))
    .filter((g) => g.rows.length > 0);
  const safe = (groups: readonly PeriodGroup[]) => groups.every((g) => counts(g.rows).every((n) => n === 0 || n >= DEFAULT_THRESHOLD));
  if (safe(quarters)) return { resolution: 'kvartal', groups: quarters };
  if (safe(halves)) return { resolution: 'halvår', groups: halves };
  return { resolution: 'none', groups: [] };
}

/** "Kvartal", "Halvår" as a column heading. */
export const resolutionHeading = (r: Resolution): string => (r === 'halvår' ? 'Halvår' : 'Kvartal');

/** The note when a series was merged or left out. */
export function resolutionNote(r: Resolution): string | undefined {
  if (r === 'halvår') return 'Tallene er vist pr. halvår, fordi et eller flere kvartaler har færre end 5.';
  if (r === 'none') return 'Tallene vises ikke pr. kvartal eller halvår, fordi de er for små; kun årets tal vises.';
  return undefined;
}
