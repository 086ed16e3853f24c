import { describe, expect, it } from 'vitest';
import { CountBook, Shown } from '../reports/council/cells.ts';
import type { CouncilData } from '../reports/council/data.ts';
import { councilPeriod, endOfYear } from '../reports/council/period.ts';
import { complaintsSection } from '../reports/council/sections/complaints.ts';
import { registerCurve } from '../reports/council/sections/curve.ts';
import type { Row } from '../reports/runner.ts';
import { loadStandards } from '../schemas/standard.ts';

/**
 * Two holes a review found where the year's publication (every public report and the council
 * report in one system) still gave counts away through what the council report draws and lists.
 */
describe('council report sections under suppression', () => {
  it('draws the processing-time curve only when the decisions it is a share of are published (a share × its count gave them back)', () => {
    // 10 decided, 5 within 2 weeks and all 10 within 4; one version, 12 weeks, all within.
    const rows: Row[] = Array.from({ length: 52 }, (_, i) => {
      const within = i + 1 >= 4 ? 10 : i + 1 >= 2 ? 5 : 0;
      return { municipality: '350', weeks: i + 1, decided: 10, decidedWithin: within, sharePct: within * 10 };
    });
    const book = new CountBook();
    book.cell('pt.all.decided', 10);
    book.cell('pt.all.within', 10);
    book.cell('pt.all.late', 0);
    book.sum('pt.all.decided', ['pt.all.within', 'pt.all.late']);
    const curve = registerCurve(book, rows, { decided: 'pt.all.decided', within: 'pt.all.within', late: 'pt.all.late' }, [{ key: 'pt.v:x', decided: 10, within: 10, deadlineWeeks: 12 }]);
    const system = book.system();
    const shownWith = (withheld: string[]) => new Shown(system, { threshold: 5, primary: new Set(), suppressed: new Set(withheld), exposed: new Set() });
    // every count published: each week is 0 or 5 more than the one before, so all 52 are drawn
    const all = curve.points(shownWith([]));
    expect(all.points).toHaveLength(52);
    expect(all.points.slice(0, 4)).toEqual([{ weeks: 1, sharePct: 0 }, { weeks: 2, sharePct: 50 }, { weeks: 3, sharePct: 50 }, { weeks: 4, sharePct: 100 }]);
    expect(all.truncated).toBe(false);
    // the decisions withheld: 50 % at a published 5 would say 10
    expect(curve.points(shownWith(['pt.all.decided']))).toEqual({ points: [], truncated: true });
  });

  const standards = loadStandards();
  const period = councilPeriod(2024, endOfYear(2024), new Date('2026-01-01T00:00:00Z'));
  const complaints = (forwarded: number, upheld: number, changed: number): CouncilData => ({
    municipality: '350', standard: standards.get('350')!, period,
    complaints: {
      municipality: '350', decisions: 20, complaints: 8, caseHandlingComplaints: 0, timelyPct: 100, fullReversal: 0, partial: 0, maintained: 8,
      forwarded, forwardedOnTimePct: 100, upheld, changedOrAnnulled: changed, remitted: 0, dismissed: 0, reversalRatePct: null,
    },
  }) as unknown as CouncilData;
  const awaiting = async (data: CouncilData) => {
    const book = new CountBook();
    const draft = complaintsSection(data, book)!;
    const section = await draft.render(book.seal());
    return section.tables.flatMap((t) => t.rows).find((r) => r.label === 'afventer Ankestyrelsen')?.cells[0];
  };

  it('leaves out the row of complaints awaiting Ankestyrelsen when 1–4 were forwarded (with it, <5 = <5 + <5 + 0 + <5 + <5 could only be 4 = 1 + 1 + 0 + 1 + 1)', async () => {
    // 3 forwarded: 1 upheld, 1 changed, 1 awaiting: all 1–4, no row
    expect(await awaiting(complaints(3, 1, 1))).toBeUndefined();
    // 6 forwarded: 1 upheld, 1 changed, 4 awaiting: the row is there, small
    expect(await awaiting(complaints(6, 1, 1))).toBe('<5');
    // none forwarded: 0 awaiting, said
    expect(await awaiting(complaints(0, 0, 0))).toBe('0');
  });
});
