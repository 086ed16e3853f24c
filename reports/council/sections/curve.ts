import type { Row } from '../../runner.ts';
import type { CountBook, Shown } from '../cells.ts';
import { count, num } from '../data.ts';
import type { CurvePoint } from '../figures.ts';
import { DEFAULT_THRESHOLD, type CellId } from '../../suppression.ts';

/**
 * The processing-time curve under suppression. The curve shows cumulative counts (share ×
 * decided), so the count between two of its points is a count too. Points are kept only where
 * the count since the previous point is 0 or at least 5, and so is the rest after the last point;
 * the counts between points then enter the report's system, tied to the decided total and, when
 * one deadline applies to every decision, to the counts within and after it (the piece holding
 * the deadline is split into two counts that are never printed). Only the points before the first
 * withheld piece are drawn.
 */
export interface CurveVersion {
  /** The cell-id prefix of the version's counts (`<key>.within`, `<key>.late`). */
  key: CellId;
  decided: number;
  within: number | null;
  deadlineWeeks: number | null;
}

export interface CurveTotals {
  decided: CellId;
  within: CellId;
  late: CellId;
}

export interface Curve {
  points(shown: Shown): { points: CurvePoint[]; truncated: boolean };
}

const NONE: Curve = { points: () => ({ points: [], truncated: false }) };

export function registerCurve(book: CountBook, rows: readonly Row[], totals: CurveTotals, versions: readonly CurveVersion[]): Curve {
  const decided = rows.length > 0 ? count(rows[0]!, 'decided') : 0;
  if (decided < DEFAULT_THRESHOLD || decided !== versions.reduce((s, v) => s + v.decided, 0)) return NONE;
  const kept: number[] = [];
  const cum = (j: number) => (j < 0 ? 0 : count(rows[kept[j]!]!, 'decidedWithin'));
  rows.forEach((r, i) => {
    const since = count(r, 'decidedWithin') - cum(kept.length - 1);
    if (since === 0 || since >= DEFAULT_THRESHOLD) kept.push(i);
  });
  const tail = () => decided - cum(kept.length - 1);
  while (kept.length > 0 && tail() > 0 && tail() < DEFAULT_THRESHOLD) kept.pop();
  if (kept.length === 0) return NONE;

  const pieces = [...kept.map((_, j) => book.cell(`curve.${j}`, cum(j) - cum(j - 1))), book.cell('curve.tail', tail())];
  book.sum(totals.decided, pieces);

  const deadlines = new Set(versions.filter((v) => v.decided > 0).map((v) => v.deadlineWeeks));
  const [deadline] = [...deadlines];
  const linked = deadlines.size === 1 && typeof deadline === 'number';
  if (linked) {
    const within = versions.reduce((s, v) => s + (v.within ?? 0), 0);
    const weekOf = (j: number) => Number(rows[kept[j]!]!.weeks);
    const at = kept.findIndex((_, j) => weekOf(j) >= deadline);
    const j = at < 0 ? kept.length : at; // the piece holding the deadline (the tail when past the last point)
    if (j < kept.length && weekOf(j) === deadline) {
      book.sum(totals.within, pieces.slice(0, j + 1));
      book.sum(totals.late, pieces.slice(j + 1));
    } else {
      const inside = within - cum(j - 1);
      const piece = j < kept.length ? cum(j) - cum(j - 1) : tail();
      if (inside < 0 || inside > piece) return NONE; // the reports disagree: draw nothing rather than guess
      book.cell('curve.split.within', inside);
      book.cell('curve.split.late', piece - inside);
      book.sum(pieces[j]!, ['curve.split.within', 'curve.split.late']);
      book.sum(totals.within, [...pieces.slice(0, j), 'curve.split.within']);
      book.sum(totals.late, ['curve.split.late', ...pieces.slice(j + 1)]);
    }
  }

  return {
    points(shown) {
      // With several deadlines the pooled curve is not tied to each version's counts (the
      // reports give no curve per version), and a point at one deadline less another version's
      // published count could give a withheld one: then draw it only when none is withheld.
      const withheld = versions.some((v) => v.deadlineWeeks !== null && !shown.published(`${v.key}.within`, `${v.key}.late`));
      if (!linked && withheld) return { points: [], truncated: false };
      // A point's share of the decisions gives the decisions back from its published count.
      if (!shown.published(totals.decided)) return { points: [], truncated: kept.length > 0 };
      const points: CurvePoint[] = [];
      for (let j = 0; j < kept.length && shown.published(pieces[j]!); j++) {
        const r = rows[kept[j]!]!;
        points.push({ weeks: Number(r.weeks), sharePct: num(r, 'sharePct') ?? 0 });
      }
      return { points, truncated: points.length < kept.length };
    },
  };
}
