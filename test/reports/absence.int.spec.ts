import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseOf, given, type Scenario, type ScenarioEvent } from '../scenario.ts';

/**
 * Absence (domain.md metric 4), worked out by hand. Anchor: the attendance date.
 * plannedDays = attended + cancelled + no_show registrations dated in the period;
 * absenceRatePct = (cancelled + noShow) ÷ planned × 100, one decimal, rounded half up.
 * Flags: over the 56 days ending on --on (on − 55 … on), ≥ 8 planned days at one offer and
 * absence ≥ absenceFlagPct (30 in both shipped standards).
 */

type Status = 'attended' | 'cancelled' | 'no_show';
type Case = ReturnType<typeof caseOf>;

/** Attendance registrations of one case at one offer, written out day by day. */
const regs = (c: Case, offerId: string, days: [string, Status][]): ScenarioEvent[] => days.map(([d, s]) => c.attendance(d, s, offerId));

const absence = (municipality: string, offerId: string, plannedDays: number, attended: number, cancelled: number, noShow: number, absenceRatePct: number | null) =>
  ({ municipality, offerId, plannedDays, attended, cancelled, noShow, absenceRatePct });

const flag = (municipality: string, caseId: string, offerId: string, plannedDays: number, absenceRatePct: number) =>
  ({ municipality, caseId, offerId, plannedDays, absenceRatePct });

describe('absence: per municipality × offer, --from/--to inclusive on the attendance date', () => {
  let s: Scenario;
  beforeAll(async () => {
    const a = caseOf('350', 'ab-a');
    const b = caseOf('350', 'ab-b');
    const d = caseOf('265', 'ab-d');
    const e = caseOf('265', 'ab-e');
    s = await given([
      ...regs(a, 'o-1', [
        ['2024-02-29', 'cancelled'], // the day before --from
        ['2024-03-01', 'attended'], // = --from
        ['2024-03-15', 'cancelled'],
        ['2024-03-31', 'attended'], // = --to
        ['2024-04-01', 'no_show'], // the day after --to
      ]),
      ...regs(b, 'o-2', [
        ['2024-03-04', 'attended'], ['2024-03-05', 'attended'], ['2024-03-06', 'no_show'], ['2024-03-07', 'attended'],
        ['2024-03-11', 'attended'], ['2024-03-12', 'attended'], ['2024-03-13', 'attended'], ['2024-03-14', 'attended'],
      ]),
      ...regs(d, 'o-4', [['2024-03-20', 'attended']]),
      ...regs(e, 'o-5', [['2024-02-28', 'cancelled']]), // only outside March
    ]);
  });
  afterAll(() => s.close());

  it('March 2024', async () => {
    // 265/o-4: 1 planned, 1 attended → 0 ÷ 1 = 0.0. 265/o-5: nothing in March → no row.
    // 350/o-1: 03-01 attended, 03-15 cancelled, 03-31 attended (02-29 and 04-01 outside)
    //          → 3 planned, 2 attended, 1 cancelled, 0 no-show; 1 ÷ 3 = 33.33… → 33.3
    // 350/o-2: 8 planned, 7 attended, 1 no-show; 1 ÷ 8 = 12.5
    expect(await s.report('absence', { from: '2024-03-01', to: '2024-03-31', on: '2024-03-31' })).toEqual([
      absence('265', 'o-4', 1, 1, 0, 0, 0),
      absence('350', 'o-1', 3, 2, 1, 0, 33.3),
      absence('350', 'o-2', 8, 7, 0, 1, 12.5),
    ]);
  });

  it('no period: every registration counts', async () => {
    // 265/o-5: 1 planned, 1 cancelled → 100.0.
    // 350/o-1: all 5: attended 2 (03-01, 03-31), cancelled 2 (02-29, 03-15), no-show 1 (04-01) → 3 ÷ 5 = 60.0
    expect(await s.report('absence', { on: '2024-04-30' })).toEqual([
      absence('265', 'o-4', 1, 1, 0, 0, 0),
      absence('265', 'o-5', 1, 0, 1, 0, 100),
      absence('350', 'o-1', 5, 2, 2, 1, 60),
      absence('350', 'o-2', 8, 7, 0, 1, 12.5),
    ]);
  });

  it('--municipality 350 only', async () => {
    expect(await s.report('absence', { municipality: '350', from: '2024-03-01', to: '2024-03-31', on: '2024-03-31' })).toEqual([
      absence('350', 'o-1', 3, 2, 1, 0, 33.3),
      absence('350', 'o-2', 8, 7, 0, 1, 12.5),
    ]);
  });
});

describe('absence: two cases at one offer add up; rounding half up to one decimal', () => {
  let s: Scenario;
  beforeAll(async () => {
    const c1 = caseOf('265', 'ab-c1');
    const c2 = caseOf('265', 'ab-c2');
    const c3 = caseOf('350', 'ab-c3');
    s = await given([
      ...regs(c1, 'o-3', [
        ['2024-04-01', 'attended'], ['2024-04-02', 'attended'], ['2024-04-03', 'cancelled'], ['2024-04-04', 'attended'],
        ['2024-04-05', 'attended'], ['2024-04-08', 'attended'], ['2024-04-09', 'no_show'], ['2024-04-10', 'attended'],
        ['2024-04-11', 'attended'], ['2024-04-12', 'attended'],
      ]),
      ...regs(c2, 'o-3', [
        ['2024-04-15', 'attended'], ['2024-04-16', 'attended'], ['2024-04-17', 'no_show'],
        ['2024-04-18', 'attended'], ['2024-04-19', 'attended'], ['2024-04-22', 'attended'],
      ]),
      ...regs(c3, 'o-1', [
        ['2024-04-01', 'attended'], ['2024-04-08', 'attended'], ['2024-04-15', 'no_show'],
        ['2024-04-22', 'attended'], ['2024-04-29', 'attended'], ['2024-04-30', 'attended'],
      ]),
    ]);
  });
  afterAll(() => s.close());

  it('April 2024', async () => {
    // 265/o-3: ab-c1 10 (8 attended, 1 cancelled, 1 no-show) + ab-c2 6 (5 attended, 1 no-show)
    //          = 16 planned, 13 attended, 1 cancelled, 2 no-show; 3 ÷ 16 = 18.75 → 18.8 (half up)
    // 350/o-1: 6 planned, 5 attended, 1 no-show; 1 ÷ 6 = 16.66… → 16.7
    expect(await s.report('absence', { from: '2024-04-01', to: '2024-04-30', on: '2024-04-30' })).toEqual([
      absence('265', 'o-3', 16, 13, 1, 2, 18.8),
      absence('350', 'o-1', 6, 5, 0, 1, 16.7),
    ]);
  });
});

// For the flags: --on 2024-04-30 → the window is 2024-03-06 … 2024-04-30
// (March 6–31 = 26 days, April 1–30 = 30 days: 56). on − 56 = 2024-03-05 is outside.

describe('absence-flags: the threshold, ≥ 30 % with ≥ 8 planned days', () => {
  let s: Scenario;
  beforeAll(async () => {
    const a1 = caseOf('265', 'fl-a1');
    const a2 = caseOf('265', 'fl-a2');
    const a3 = caseOf('350', 'fl-a3');
    s = await given([
      a1.applied('2023-10-01'),
      ...regs(a1, 'o-1', [
        ['2024-03-11', 'attended'], ['2024-03-12', 'cancelled'], ['2024-03-13', 'attended'], ['2024-03-18', 'attended'],
        ['2024-03-19', 'no_show'], ['2024-03-20', 'attended'], ['2024-04-08', 'attended'], ['2024-04-09', 'cancelled'],
        ['2024-04-10', 'attended'], ['2024-04-15', 'attended'],
      ]),
      a2.applied('2023-10-02'),
      ...regs(a2, 'o-1', [
        ['2024-03-11', 'attended'], ['2024-03-12', 'cancelled'], ['2024-03-13', 'attended'], ['2024-03-18', 'attended'],
        ['2024-03-19', 'no_show'], ['2024-03-20', 'attended'], ['2024-04-08', 'attended'], ['2024-04-09', 'attended'],
      ]),
      // fl-a3 has no application: the threshold comes from the version in force on --on (still 30)
      ...regs(a3, 'o-1', [
        ['2024-04-01', 'attended'], ['2024-04-02', 'cancelled'], ['2024-04-03', 'attended'], ['2024-04-04', 'attended'],
        ['2024-04-05', 'no_show'], ['2024-04-08', 'attended'], ['2024-04-09', 'cancelled'], ['2024-04-10', 'attended'],
        ['2024-04-11', 'attended'],
      ]),
    ]);
  });
  afterAll(() => s.close());

  it('on 2024-04-30: 3 of 10 (exactly 30 %) and 3 of 9 flagged; 2 of 8 (25 %) not', async () => {
    // fl-a1: 10 planned, 3 absent → 30.0 ≥ 30 → flagged
    // fl-a2: 8 planned, 2 absent → 25.0 < 30 → not flagged
    // fl-a3: 9 planned, 3 absent → 33.33… → 33.3 → flagged
    expect(await s.report('absence-flags', { on: '2024-04-30' })).toEqual([
      flag('265', 'fl-a1', 'o-1', 10, 30),
      flag('350', 'fl-a3', 'o-1', 9, 33.3),
    ]);
  });
});

describe('absence-flags: the 56-day window ending on --on, and the 8-day minimum', () => {
  let s: Scenario;
  beforeAll(async () => {
    const b1 = caseOf('350', 'fl-b1');
    const b2 = caseOf('350', 'fl-b2');
    s = await given([
      b1.applied('2023-10-01'),
      ...regs(b1, 'o-1', [
        ['2024-03-05', 'cancelled'], // on − 56 for --on 2024-04-30
        ['2024-03-11', 'cancelled'], ['2024-03-18', 'no_show'], ['2024-03-25', 'cancelled'], ['2024-04-01', 'no_show'],
        ['2024-04-08', 'cancelled'], ['2024-04-15', 'no_show'], ['2024-04-22', 'cancelled'],
        ['2024-05-01', 'cancelled'], // after --on 2024-04-30
      ]),
      b2.applied('2023-10-02'),
      ...regs(b2, 'o-1', [
        ['2024-03-06', 'no_show'], // on − 55 for --on 2024-04-30
        ['2024-03-13', 'attended'], ['2024-03-20', 'attended'], ['2024-03-27', 'cancelled'], ['2024-04-03', 'attended'],
        ['2024-04-10', 'attended'], ['2024-04-17', 'attended'],
        ['2024-04-30', 'cancelled'],
      ]),
    ]);
  });
  afterAll(() => s.close());

  it('on 2024-04-30 (window 03-06 … 04-30)', async () => {
    // fl-b1: 7 planned in the window (03-11 … 04-22), all absent (100 %), but 7 < 8 → not flagged;
    //        03-05 (on − 56) and 05-01 (after on) do not count.
    // fl-b2: 8 planned: 03-06 (on − 55) counts, 04-30 (on) counts; absent 03-06, 03-27, 04-30 → 3 ÷ 8 = 37.5
    expect(await s.report('absence-flags', { on: '2024-04-30' })).toEqual([flag('350', 'fl-b2', 'o-1', 8, 37.5)]);
  });

  it('on 2024-05-01 (window 03-07 … 05-01)', async () => {
    // 2024-05-01 − 55 days = 2024-03-07 (May 1 − 30 = April 1; − 25 more = March 7).
    // fl-b1: 7 + 05-01 = 8 planned, 8 absent → 100.0 → flagged.
    // fl-b2: 03-06 is now outside → 7 planned → not flagged.
    expect(await s.report('absence-flags', { on: '2024-05-01' })).toEqual([flag('350', 'fl-b1', 'o-1', 8, 100)]);
  });

  it('on 2024-04-29 (window 03-05 … 04-29)', async () => {
    // 2024-04-29 − 55 days = 2024-03-05.
    // fl-b1: 03-05 + the 7 → 8 planned, all absent → 100.0 → flagged (05-01 after on).
    // fl-b2: 04-30 is after on → 7 planned → not flagged.
    expect(await s.report('absence-flags', { on: '2024-04-29' })).toEqual([flag('350', 'fl-b1', 'o-1', 8, 100)]);
  });
});

describe('absence-flags: a case is judged per offer', () => {
  let s: Scenario;
  beforeAll(async () => {
    const c1 = caseOf('350', 'fl-c1');
    const c2 = caseOf('350', 'fl-c2');
    s = await given([
      c1.applied('2023-10-01'),
      ...regs(c1, 'o-1', [
        ['2024-04-01', 'cancelled'], ['2024-04-02', 'attended'], ['2024-04-03', 'no_show'], ['2024-04-04', 'attended'],
        ['2024-04-05', 'attended'], ['2024-04-08', 'cancelled'], ['2024-04-09', 'attended'], ['2024-04-10', 'attended'],
      ]),
      ...regs(c1, 'o-2', [
        ['2024-04-15', 'attended'], ['2024-04-16', 'attended'], ['2024-04-17', 'no_show'], ['2024-04-18', 'attended'],
        ['2024-04-19', 'attended'], ['2024-04-22', 'attended'], ['2024-04-23', 'attended'], ['2024-04-24', 'attended'],
      ]),
      c2.applied('2023-10-02'),
      ...regs(c2, 'o-1', [
        ['2024-04-01', 'cancelled'], ['2024-04-02', 'cancelled'], ['2024-04-03', 'no_show'], ['2024-04-04', 'cancelled'],
        ['2024-04-05', 'no_show'],
      ]),
      ...regs(c2, 'o-2', [['2024-04-15', 'attended'], ['2024-04-16', 'attended'], ['2024-04-17', 'attended'], ['2024-04-18', 'attended']]),
    ]);
  });
  afterAll(() => s.close());

  it('on 2024-04-30', async () => {
    // fl-c1 at o-1: 8 planned, 3 absent → 37.5 → flagged. At o-2: 8 planned, 1 absent → 12.5 → not.
    //   (Both offers together would be 4 ÷ 16 = 25 % → not flagged at all.)
    // fl-c2 at o-1: 5 planned, all absent; at o-2: 4 planned, none absent → each < 8 → not flagged.
    //   (Together 5 ÷ 9 = 55.6 % with 9 planned would be flagged.)
    expect(await s.report('absence-flags', { on: '2024-04-30' })).toEqual([flag('350', 'fl-c1', 'o-1', 8, 37.5)]);
  });
});
