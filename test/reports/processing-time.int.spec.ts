import { describe, expect, it } from 'vitest';
import type { Row } from '../../reports/runner.ts';
import type { ReportParams } from '../../reports/params.ts';
import { caseOf, given, recordedAt, type ScenarioEvent } from '../scenario.ts';

/**
 * processing-time and processing-time-curve (domain.md metrics 1 and 2), worked by hand.
 *
 * Standards (standards/*.json): Lejre '350' has lejre-old (20 weeks = 140 days) for applications
 * received 2019-01-01..2021-12-31 and lejre-2021 (12 weeks = 84 days) from 2022-01-01; Roskilde
 * '265' has no deadline. Within ⇔ days ≤ weeks × 7. At risk ⇔ open, not overdue and elapsed ≥ 75 %
 * of the deadline (84 → 63 days, 140 → 105 days). Overdue ⇔ elapsed > deadline.
 * medianDays / p90Days: nearest rank, the value at rank ⌈q·n⌉ of the sorted days.
 * Day counts are written "from → to = n", with the month lengths added up by hand.
 */

type Case = ReturnType<typeof caseOf>;
const cases = <const N extends readonly string[]>(municipality: string, ids: N) =>
  ids.map((id) => caseOf(municipality, id)) as { [K in keyof N]: Case };

async function report(events: readonly ScenarioEvent[], name: string, params: ReportParams & { on: string }): Promise<Row[]> {
  const s = await given(events);
  try {
    return await s.report(name, params);
  } finally {
    s.close();
  }
}

/** A processing-time row with nothing decided and nothing open, for a version with a deadline. */
const emptyRow = (municipality: string, standardVersion: string, deadlineWeeks: number): Row => ({
  municipality, standardVersion, deadlineWeeks,
  decided: 0, withinDeadline: 0, compliancePct: null, medianDays: null, p90Days: null,
  open: 0, atRisk: 0, overdue: 0, overdueWithoutNotice: 0,
});

describe('processing-time', () => {
  it('deadline boundary: weeks × 7 days is within, weeks × 7 + 1 is not (both Lejre versions)', async () => {
    const [a, b, c, d] = cases('350', ['a', 'b', 'c', 'd']);
    const events = [
      // lejre-2021 (received ≥ 2022-01-01): 12 weeks = 84 days.
      // 2022-01-03 → 2022-03-28: Jan 3→31 = 28, + Feb 28 = 56, + 28 = 84 = 12 × 7 → within
      a.applied('2022-01-03'), a.granted('2022-03-28'),
      // 2022-01-03 → 2022-03-29 = 85 > 84 → not within
      b.applied('2022-01-03'), b.rejected('2022-03-29'),
      // lejre-old (received 2021): 20 weeks = 140 days.
      // 2021-03-01 → 2021-07-19: Mar 1→Apr 1 = 31, →May 1 = 61, →Jun 1 = 92, →Jul 1 = 122, →Jul 19 = 140 → within
      c.applied('2021-03-01'), c.granted('2021-07-19'),
      // 2021-03-01 → 2021-07-20 = 141 > 140 → not within
      d.applied('2021-03-01'), d.granted('2021-07-20'),
    ];
    const rows = await report(events, 'processing-time', { municipality: '350', on: '2022-06-30' });
    // Each version: decided 2, within 1 → 1/2 = 50.0. Sorted days [x, x+1]:
    // median rank ⌈0.5·2⌉ = 1 → x; p90 rank ⌈0.9·2⌉ = 2 → x+1. Nothing open on 2022-06-30.
    expect(rows).toEqual([
      { ...emptyRow('350', 'lejre-old', 20), decided: 2, withinDeadline: 1, compliancePct: 50, medianDays: 140, p90Days: 141 },
      { ...emptyRow('350', 'lejre-2021', 12), decided: 2, withinDeadline: 1, compliancePct: 50, medianDays: 84, p90Days: 85 },
    ]);
  });

  it('standard version switch: the deadline in force on the received date, not on the decision date', async () => {
    const [s1, s2, s3, s4] = cases('350', ['s1', 's2', 's3', 's4']);
    const events = [
      // s1 received 2021-12-31 → lejre-old (140 days). Decided 2022-04-15:
      // Dec 31→Jan 31 = 31, →Feb 28 = 59, →Mar 31 = 90, →Apr 15 = 105 ≤ 140 → within
      s1.applied('2021-12-31'), s1.granted('2022-04-15'),
      // s2 received 2022-01-01 → lejre-2021 (84 days). Decided 2022-04-15: 105 − 1 = 104 > 84 → not within
      s2.applied('2022-01-01'), s2.granted('2022-04-15'),
      // s3 received 2021-12-31, still open on 2022-04-15: elapsed 105 ≤ 140 → not overdue;
      // 4 × 105 = 420 = 3 × 140 → exactly 75 % → at risk
      s3.applied('2021-12-31'),
      // s4 received 2022-01-01, open: elapsed 104 > 84 → overdue, no notice
      s4.applied('2022-01-01'),
    ];
    const rows = await report(events, 'processing-time', { municipality: '350', on: '2022-04-15' });
    expect(rows).toEqual([
      { municipality: '350', standardVersion: 'lejre-old', deadlineWeeks: 20, decided: 1, withinDeadline: 1, compliancePct: 100,
        medianDays: 105, p90Days: 105, open: 1, atRisk: 1, overdue: 0, overdueWithoutNotice: 0 },
      { municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 1, withinDeadline: 0, compliancePct: 0,
        medianDays: 104, p90Days: 104, open: 1, atRisk: 0, overdue: 1, overdueWithoutNotice: 1 },
    ]);
  });

  it('leap days: 29 February is counted like any other day', async () => {
    const [l1, l2, l3, l4, l5, l6] = cases('350', ['l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
    const events = [
      // 2024-01-10 → 2024-04-03: Jan 10→31 = 21, + Feb 29 = 50, + Mar 31 = 81, + 3 = 84 → within (83 if 29 Feb were lost)
      l1.applied('2024-01-10'), l1.granted('2024-04-03'),
      // 2024-01-10 → 2024-04-04 = 85 → not within (decided on --on → not open)
      l2.applied('2024-01-10'), l2.rejected('2024-04-04'),
      // Open on 2024-04-04: 2024-02-01 → 04-04: Feb 1→29 = 28, + Mar 31 = 59, + 4 = 63 → at risk (≥ 63)
      l3.applied('2024-02-01'),
      // 2024-02-02 → 04-04 = 62 → not at risk
      l4.applied('2024-02-02'),
      // lejre-old across 2020-02-29: 2019-12-01 → 2020-04-19: Dec 1→31 = 30, + Jan 31 = 61, + Feb 29 = 90,
      // + Mar 31 = 121, + 19 = 140 → within; → 2020-04-20 = 141 → not within
      l5.applied('2019-12-01'), l5.granted('2020-04-19'),
      l6.applied('2019-12-01'), l6.rejected('2020-04-20'),
    ];
    const rows = await report(events, 'processing-time', { municipality: '350', on: '2024-04-04' });
    // lejre-2021: decided [84, 85] → within 1, 50.0, median 84, p90 85; open l3 (at risk), l4 → open 2, atRisk 1.
    expect(rows).toEqual([
      { ...emptyRow('350', 'lejre-old', 20), decided: 2, withinDeadline: 1, compliancePct: 50, medianDays: 140, p90Days: 141 },
      { municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 2, withinDeadline: 1, compliancePct: 50,
        medianDays: 84, p90Days: 85, open: 2, atRisk: 1, overdue: 0, overdueWithoutNotice: 0 },
    ]);
  });

  it('Roskilde has no deadline: rule-dependent fields are null, the rest is computed', async () => {
    const [r1, r2, r3, r4, r5] = cases('265', ['r1', 'r2', 'r3', 'r4', 'r5']);
    const events = [
      // 2023-01-02 → 2023-01-30 = 28
      r1.applied('2023-01-02'), r1.granted('2023-01-30'),
      // 2023-01-02 → 2023-03-13: Jan 2→Feb 2 = 31, →Mar 2 = 59, →Mar 13 = 70
      r2.applied('2023-01-02'), r2.rejected('2023-03-13'),
      // 2023-02-01 → 2023-12-01: 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 = 303
      r3.applied('2023-02-01'), r3.granted('2023-12-01'),
      // open on 2024-01-10 (a year elapsed, yet no deadline → overdue is null, not 1)
      r4.applied('2023-01-10'),
      r5.applied('2023-06-01'), r5.notified('2023-08-01', '2023-10-01'),
    ];
    const rows = await report(events, 'processing-time', { on: '2024-01-10' });
    // Sorted [28, 70, 303]: median rank ⌈1.5⌉ = 2 → 70; p90 rank ⌈2.7⌉ = 3 → 303. Open: r4, r5.
    // No --municipality: Lejre's rows are there too, empty.
    expect(rows).toEqual([
      { municipality: '265', standardVersion: 'roskilde', deadlineWeeks: null, decided: 3, withinDeadline: null, compliancePct: null,
        medianDays: 70, p90Days: 303, open: 2, atRisk: null, overdue: null, overdueWithoutNotice: null },
      emptyRow('350', 'lejre-old', 20),
      emptyRow('350', 'lejre-2021', 12),
    ]);
  });

  it('open on --on: at risk from exactly 75 %, overdue after the deadline, notices count only when dated on or before --on', async () => {
    const [o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12] =
      cases('350', ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9', 'o10', 'o11', 'o12']);
    // --on 2023-06-30; lejre-2021: 84 days, 75 % = 63 days.
    const events = [
      // 2023-04-28 → 06-30: Apr 28→30 = 2, + May 31 = 33, + Jun 30 = 63 → at risk
      o1.applied('2023-04-28'),
      // 2023-04-29 → 06-30 = 62 → neither
      o2.applied('2023-04-29'),
      // 2023-04-07 → 06-30: 23 + 31 + 30 = 84 = deadline → not overdue, at risk
      o3.applied('2023-04-07'),
      // 2023-04-06 → 06-30 = 85 → overdue, no notice → overdueWithoutNotice
      o4.applied('2023-04-06'),
      // 2023-03-01 → 06-30: 30 + 30 + 31 + 30 = 121 → overdue (o5…o9 all):
      o5.applied('2023-03-01'), o5.notified('2023-05-20', '2023-08-01'), // notice before --on → has notice
      o6.applied('2023-03-01'), o6.notified('2023-07-03', '2023-08-01'), // notice after --on → without notice
      o7.applied('2023-03-01'), o7.notified('2023-06-30', '2023-08-01'), // notice on --on → has notice
      o8.applied('2023-03-01'), o8.granted('2023-07-10'), // decided after --on → open on --on, without notice
      o9.applied('2023-03-01'), o9.withdrawn('2023-07-05'), // withdrawn after --on → open on --on, without notice
      // decided on --on → not open; 121 days, not within
      o10.applied('2023-03-01'), o10.rejected('2023-06-30'),
      // withdrawn before --on → neither open nor decided
      o11.applied('2023-03-01'), o11.withdrawn('2023-06-15'),
      // received after --on → not open
      o12.applied('2023-07-01'),
    ];
    // --to 2023-06-30 keeps o8's decision (07-10) out of `decided`: decided = o10 only.
    const rows = await report(events, 'processing-time', { municipality: '350', on: '2023-06-30', to: '2023-06-30' });
    // open: o1…o9 = 9; atRisk: o1, o3 = 2; overdue: o4…o9 = 6; overdueWithoutNotice: o4, o6, o8, o9 = 4.
    expect(rows).toEqual([
      emptyRow('350', 'lejre-old', 20),
      { municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 1, withinDeadline: 0, compliancePct: 0,
        medianDays: 121, p90Days: 121, open: 9, atRisk: 2, overdue: 6, overdueWithoutNotice: 4 },
    ]);
  });

  describe('withdrawn applications and the first decision', () => {
    const [x1, x2, x3, x4, x5, x6] = cases('350', ['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    const events = [
      // First decision 2022-05-10: 2022-02-01 → 05-10 = 28 + 31 + 30 + 9 = 98 → not within 84.
      // A second decision 2022-06-15 (it would be 134 days) changes nothing.
      x1.applied('2022-02-01'), x1.rejected('2022-05-10', 'd-x1a'), x1.granted('2022-06-15', { decisionId: 'd-x1b' }),
      // 2022-02-01 → 2022-03-01 = 28 → within
      x2.applied('2022-02-01'), x2.granted('2022-03-01'),
      // withdrawn, then a decision anyway: left out of decided, and not open
      x3.applied('2022-02-01'), x3.withdrawn('2022-02-20'), x3.rejected('2022-02-25'),
      // open on 2022-08-01: 2022-05-01 → 08-01 = 31 + 30 + 31 = 92 > 84 → overdue; notified 07-20 → with notice
      x4.applied('2022-05-01'), x4.notified('2022-07-20', '2022-09-01'),
      // open: 2022-05-20 → 08-01 = 31 + 30 + 12 = 73 → at risk
      x5.applied('2022-05-20'),
      // lejre-old: 2021-10-01 → 2022-01-20 = 31 + 30 + 31 + 19 = 111 ≤ 140 → within
      x6.applied('2021-10-01'), x6.granted('2022-01-20'),
    ];
    // lejre-2021: decided x1 (98), x2 (28) = 2, within 1 → 50.0; sorted [28, 98]: median rank 1 → 28, p90 rank 2 → 98.
    const expected: Row[] = [
      { ...emptyRow('350', 'lejre-old', 20), decided: 1, withinDeadline: 1, compliancePct: 100, medianDays: 111, p90Days: 111 },
      { municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 2, withinDeadline: 1, compliancePct: 50,
        medianDays: 28, p90Days: 98, open: 2, atRisk: 1, overdue: 1, overdueWithoutNotice: 0 },
    ];

    it('withdrawn applications are left out; only the first DecisionMade counts', async () => {
      const s = await given(events);
      try {
        expect(await s.report('processing-time', { municipality: '350', on: '2022-08-01' })).toEqual(expected);
        // --from 2022-06-01: x1's second decision (06-15) is in the period but its first (05-10) is not → decided 0.
        // Open counts are a snapshot on --on and do not move with the period.
        expect(await s.report('processing-time', { municipality: '350', on: '2022-08-01', from: '2022-06-01' })).toEqual([
          emptyRow('350', 'lejre-old', 20),
          { ...emptyRow('350', 'lejre-2021', 12), open: 2, atRisk: 1, overdue: 1 },
        ]);
      } finally {
        s.close();
      }
    });

    it('the same events imported in reverse order give the same rows', async () => {
      expect(await report([...events].reverse(), 'processing-time', { municipality: '350', on: '2022-08-01' })).toEqual(expected);
    });
  });

  it('median and p90 by nearest rank, not interpolation', async () => {
    // Lejre, all received 2022-03-01 (lejre-2021), decided after n days (listed unsorted):
    const lejre: [number, string][] = [
      [100, '2022-06-09'], // Mar 1→Apr 1 = 31, →May 1 = 61, →Jun 1 = 92, →Jun 9 = 100
      [30, '2022-03-31'], [10, '2022-03-11'], [50, '2022-04-20'], [20, '2022-03-21'], [40, '2022-04-10'],
    ];
    // Roskilde, all received 2022-03-01: 5 → 03-06, 7 → 03-08, 9 → 03-10, 50 → 04-20 (30 + 20), 60 → 04-30 (30 + 30)
    const roskilde: [number, string][] = [[60, '2022-04-30'], [9, '2022-03-10'], [50, '2022-04-20'], [5, '2022-03-06'], [7, '2022-03-08']];
    const events = [
      ...lejre.flatMap(([n, d]) => { const k = caseOf('350', `l${n}`); return [k.applied('2022-03-01'), k.granted(d)]; }),
      ...roskilde.flatMap(([n, d]) => { const k = caseOf('265', `r${n}`); return [k.applied('2022-03-01'), k.granted(d)]; }),
    ];
    const rows = await report(events, 'processing-time', { on: '2022-12-31' });
    // Lejre sorted [10, 20, 30, 40, 50, 100], n = 6:
    //   median rank ⌈0.5·6⌉ = 3 → 30 (an interpolated median would be 35)
    //   p90 rank ⌈0.9·6⌉ = ⌈5.4⌉ = 6 → 100 (interpolated: 50 + 0.5·50 = 75)
    //   within 84: 5 of 6 → 83.33… → 83.3
    // Roskilde sorted [5, 7, 9, 50, 60], n = 5:
    //   median rank ⌈2.5⌉ = 3 → 9; p90 rank ⌈4.5⌉ = 5 → 60 (rank 4 would be 50; interpolated 56)
    expect(rows).toEqual([
      { municipality: '265', standardVersion: 'roskilde', deadlineWeeks: null, decided: 5, withinDeadline: null, compliancePct: null,
        medianDays: 9, p90Days: 60, open: 0, atRisk: null, overdue: null, overdueWithoutNotice: null },
      emptyRow('350', 'lejre-old', 20),
      { ...emptyRow('350', 'lejre-2021', 12), decided: 6, withinDeadline: 5, compliancePct: 83.3, medianDays: 30, p90Days: 100 },
    ]);
  });

  it('--from/--to filter on the decision date, both ends inclusive', async () => {
    const [a, b, c, d, e, f, g] = cases('350', ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const events = [
      a.applied('2022-01-03'), a.granted('2022-02-28'), // the day before --from → out
      // 2022-01-03 → 03-01 = 28 + 28 + 1 = 57 (on --from → in)
      b.applied('2022-01-03'), b.granted('2022-03-01'),
      // → 03-15 = 28 + 28 + 15 = 71 (in)
      c.applied('2022-01-03'), c.granted('2022-03-15'),
      // → 03-31 = 28 + 28 + 31 = 87 (on --to → in), > 84 → not within
      d.applied('2022-01-03'), d.rejected('2022-03-31'),
      e.applied('2022-01-03'), e.granted('2022-04-01'), // the day after --to → out
      f.applied('2022-03-10'), f.granted('2022-04-20'), // received in the period, decided after it → out
      // lejre-old: 2021-11-01 → 2022-03-10 = 29 + 31 + 31 + 28 + 10 = 129 ≤ 140 → within (in)
      g.applied('2021-11-01'), g.granted('2022-03-10'),
    ];
    const rows = await report(events, 'processing-time', { municipality: '350', on: '2022-06-30', from: '2022-03-01', to: '2022-03-31' });
    // lejre-2021: b, c, d → decided 3, within 2 → 66.7; sorted [57, 71, 87]: median rank 2 → 71, p90 rank ⌈2.7⌉ = 3 → 87.
    expect(rows).toEqual([
      { ...emptyRow('350', 'lejre-old', 20), decided: 1, withinDeadline: 1, compliancePct: 100, medianDays: 129, p90Days: 129 },
      { ...emptyRow('350', 'lejre-2021', 12), decided: 3, withinDeadline: 2, compliancePct: 66.7, medianDays: 71, p90Days: 87 },
    ]);
  });

  it('--as-of: events recorded after the timestamp are invisible', async () => {
    const [a1, a2, a3, a4] = cases('350', ['a1', 'a2', 'a3', 'a4']);
    const events = [
      // a1: decided 2022-03-28 (2022-01-03 → 03-28 = 84), but recorded only on 2022-04-20
      a1.applied('2022-01-03'), recordedAt(a1.granted('2022-03-28'), '2022-04-20T10:00:00+02:00'),
      // a2: 2022-02-01 → 02-15 = 14, recorded on time
      a2.applied('2022-02-01'), a2.granted('2022-02-15'),
      // a3: received 2022-03-01, recorded 2022-04-10
      recordedAt(a3.applied('2022-03-01'), '2022-04-10T09:00:00+02:00'),
      // a4: received 2022-01-03, notice dated 2022-03-20 but recorded 2022-04-15; never decided
      a4.applied('2022-01-03'), recordedAt(a4.notified('2022-03-20', '2022-05-01'), '2022-04-15T09:00:00+02:00'),
    ];
    // On 2022-03-31: a1, a4 elapsed 2022-01-03 → 03-31 = 28 + 28 + 31 = 87 > 84 → overdue; a3 elapsed 30 → neither.
    const s = await given(events);
    try {
      // As of 2022-04-01: a1's decision, a4's notice and a3 are unknown.
      //   decided: a2 (14) → 1, within 1; open: a1, a4 → both overdue, neither with a known notice.
      expect(await s.report('processing-time', { municipality: '350', on: '2022-03-31', asOf: '2022-04-01T00:00:00+02:00' })).toEqual([
        emptyRow('350', 'lejre-old', 20),
        { municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 1, withinDeadline: 1, compliancePct: 100,
          medianDays: 14, p90Days: 14, open: 2, atRisk: 0, overdue: 2, overdueWithoutNotice: 2 },
      ]);
      // Everything known: decided a1 (84), a2 (14) → 2, within 2; sorted [14, 84]: median 14, p90 84.
      //   open: a3 (30), a4 (87, notice dated 03-20 ≤ --on) → open 2, overdue 1, without notice 0.
      expect(await s.report('processing-time', { municipality: '350', on: '2022-03-31' })).toEqual([
        emptyRow('350', 'lejre-old', 20),
        { municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 2, withinDeadline: 2, compliancePct: 100,
          medianDays: 14, p90Days: 84, open: 2, atRisk: 0, overdue: 1, overdueWithoutNotice: 0 },
      ]);
    } finally {
      s.close();
    }
  });

  it('--by quarter and year: period rows, --to defaults to --on, snapshots on each period end', async () => {
    const [q1a, q1b, q2a, q2b, q3x] = cases('350', ['q1a', 'q1b', 'q2a', 'q2b', 'q3x']);
    const events = [
      // 2024-01-08 → 02-19 = 23 + 19 = 42 → within
      q1a.applied('2024-01-08'), q1a.granted('2024-02-19'),
      // 2024-01-08 → 05-06 = 23 + 29 + 31 + 30 + 6 = 119 → not within. On 03-31: 23 + 29 + 31 = 83 → at risk, not overdue
      q1b.applied('2024-01-08'), q1b.granted('2024-05-06'),
      // 2024-03-01 → 04-15 = 30 + 15 = 45 → within. On 03-31: 30 → open, neither
      q2a.applied('2024-03-01'), q2a.granted('2024-04-15'),
      // never decided. On 06-30: 2024-04-02 → 06-30 = 28 + 31 + 30 = 89 → overdue (the notice of 07-01 not yet);
      // on 08-15: 89 + 31 + 15 = 135 → overdue, notice 07-01 ≤ 08-15 → with notice
      q2b.applied('2024-04-02'), q2b.notified('2024-07-01', '2024-09-01'),
      // decided 09-10, after --on 08-15 → not in Q3 (--to defaults to --on); on 08-15: 30 + 15 = 45 → open, neither
      q3x.applied('2024-07-01'), q3x.granted('2024-09-10'),
    ];
    const s = await given(events);
    try {
      // Periods from the first application (2024-01-08) to --on (2024-08-15): Q1, Q2, Q3; snapshots 03-31, 06-30, 08-15.
      //   Q1: decided q1a (42) → 1 of 1; open q1b (83, at risk), q2a (30).
      //   Q2: decided q2a (45), q1b (119) → within 1 of 2 = 50.0; sorted [45, 119]: median 45, p90 119. open q2b (overdue, no notice yet).
      //   Q3: decided none; open q2b (overdue, notified), q3x (45).
      expect(await s.report('processing-time', { municipality: '350', on: '2024-08-15', by: 'quarter' })).toEqual([
        { period: '2024-Q1', ...emptyRow('350', 'lejre-old', 20) },
        { period: '2024-Q1', municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 1, withinDeadline: 1,
          compliancePct: 100, medianDays: 42, p90Days: 42, open: 2, atRisk: 1, overdue: 0, overdueWithoutNotice: 0 },
        { period: '2024-Q2', ...emptyRow('350', 'lejre-old', 20) },
        { period: '2024-Q2', municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 2, withinDeadline: 1,
          compliancePct: 50, medianDays: 45, p90Days: 119, open: 1, atRisk: 0, overdue: 1, overdueWithoutNotice: 1 },
        { period: '2024-Q3', ...emptyRow('350', 'lejre-old', 20) },
        { period: '2024-Q3', ...emptyRow('350', 'lejre-2021', 12), open: 2, overdue: 1 },
      ]);
      // Year 2024 = 2024-01-08..2024-08-15: decided q1a (42), q2a (45), q1b (119) → within 2 of 3 = 66.7;
      // median rank 2 → 45, p90 rank ⌈2.7⌉ = 3 → 119. Snapshot 08-15, as in Q3.
      expect(await s.report('processing-time', { municipality: '350', on: '2024-08-15', by: 'year' })).toEqual([
        { period: '2024', ...emptyRow('350', 'lejre-old', 20) },
        { period: '2024', municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 3, withinDeadline: 2,
          compliancePct: 66.7, medianDays: 45, p90Days: 119, open: 2, atRisk: 0, overdue: 1, overdueWithoutNotice: 0 },
      ]);
    } finally {
      s.close();
    }
  });
});

describe('processing-time-curve', () => {
  const [c7, c8, c84, c85, c364, c365, cw, co] = cases('350', ['c7', 'c8', 'c84', 'c85', 'c364', 'c365', 'cw', 'co']);
  const events = [
    // received 2022-03-01: +7 = 03-08, +8 = 03-09, +84 = 05-24 (30 + 30 + 24), +85 = 05-25
    c7.applied('2022-03-01'), c7.granted('2022-03-08'),
    c8.applied('2022-03-01'), c8.granted('2022-03-09', { decisionId: 'd-c8a' }),
    c8.granted('2022-09-01', { decisionId: 'd-c8b' }), // a second decision: only the first counts
    c84.applied('2022-03-01'), c84.granted('2022-05-24'),
    c85.applied('2022-03-01'), c85.rejected('2022-05-25'),
    // received 2021-06-01 (lejre-old; the curve is per municipality, all versions together):
    // 2021-06-01 → 2022-06-01 = 365 (no 29 Feb in between), so → 2022-05-31 = 364
    c364.applied('2021-06-01'), c364.granted('2022-05-31'),
    c365.applied('2021-06-01'), c365.granted('2022-06-01'),
    // withdrawn (then decided anyway, 5 days): left out
    cw.applied('2022-03-01'), cw.withdrawn('2022-03-05'), cw.rejected('2022-03-06'),
    // open: not decided, left out
    co.applied('2022-03-01'),
  ];
  const byWeeks = (rows: Row[], municipality: string) => new Map(rows.filter((r) => r.municipality === municipality).map((r) => [r.weeks, r]));

  it('decided within w weeks for w = 1…52, 52 rows per municipality', async () => {
    const rows = await report(events, 'processing-time-curve', { on: '2022-12-31' });
    expect(rows.map((r) => `${r.municipality}/${r.weeks}`)).toEqual([
      ...Array.from({ length: 52 }, (_, i) => `265/${i + 1}`),
      ...Array.from({ length: 52 }, (_, i) => `350/${i + 1}`),
    ]);
    // Roskilde decided nothing: sharePct null (denominator 0).
    expect(rows.filter((r) => r.municipality === '265')).toEqual(
      Array.from({ length: 52 }, (_, i) => ({ municipality: '265', weeks: i + 1, decided: 0, decidedWithin: 0, sharePct: null })),
    );
    // Lejre sorted days [7, 8, 84, 85, 364, 365], n = 6.
    const lejre = byWeeks(rows, '350');
    const at = (weeks: number, decidedWithin: number, sharePct: number) => ({ municipality: '350', weeks, decided: 6, decidedWithin, sharePct });
    expect(lejre.get(1)).toEqual(at(1, 1, 16.7)); //   ≤ 7: [7] → 1/6 = 16.67 → 16.7
    expect(lejre.get(2)).toEqual(at(2, 2, 33.3)); //   ≤ 14: [7, 8] → 2/6 = 33.3
    expect(lejre.get(11)).toEqual(at(11, 2, 33.3)); // ≤ 77
    expect(lejre.get(12)).toEqual(at(12, 3, 50)); //   ≤ 84: + 84 → 3/6 = 50.0 (the new deadline)
    expect(lejre.get(13)).toEqual(at(13, 4, 66.7)); // ≤ 91: + 85 → 4/6 = 66.7
    expect(lejre.get(20)).toEqual(at(20, 4, 66.7)); // ≤ 140 (the old deadline)
    expect(lejre.get(51)).toEqual(at(51, 4, 66.7)); // ≤ 357
    expect(lejre.get(52)).toEqual(at(52, 5, 83.3)); // ≤ 364: + 364 → 5/6 = 83.3; 365 is never within
  });

  it('--from filters on the first decision date', async () => {
    const rows = await report(events, 'processing-time-curve', { municipality: '350', from: '2022-05-25', on: '2022-12-31' });
    // First decisions on or after 2022-05-25: c85 (05-25), c364 (05-31), c365 (06-01) → n = 3.
    // (c8's second decision, 09-01, is in the period but is not its first.)
    expect(rows).toHaveLength(52);
    const lejre = byWeeks(rows, '350');
    expect(lejre.get(1)).toEqual({ municipality: '350', weeks: 1, decided: 3, decidedWithin: 0, sharePct: 0 });
    expect(lejre.get(12)).toEqual({ municipality: '350', weeks: 12, decided: 3, decidedWithin: 0, sharePct: 0 }); //   84 < 85
    expect(lejre.get(13)).toEqual({ municipality: '350', weeks: 13, decided: 3, decidedWithin: 1, sharePct: 33.3 }); // 1/3
    expect(lejre.get(52)).toEqual({ municipality: '350', weeks: 52, decided: 3, decidedWithin: 2, sharePct: 66.7 }); // 2/3
  });
});
