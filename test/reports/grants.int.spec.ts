import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseOf, given, recordedAt, type Scenario, type ScenarioEvent } from '../scenario.ts';

/**
 * Grants in effect (domain.md metric 3) and follow-up (metric 7), worked out by hand.
 *
 * In effect on day D ⇔ startDate ≤ D and no ServiceEnded of the case dated before D that is not
 * followed by a ServiceStarted of the same case dated after that end and on or before D.
 * Days per week: the grant's, overridden by the latest GrantChanged (that sets them) dated ≤ D.
 * Both shipped standards: followUpMonths 12.
 */

type Five = [number, number, number, number, number];

/** The five rows of one municipality (daysPerWeek 1–5, zeros included), counts written by hand. */
const dpw = (municipality: string, counts: Five, period?: string) =>
  counts.map((grants, i) => ({ ...(period === undefined ? {} : { period }), municipality, daysPerWeek: i + 1, grants }));

const byOffer = (municipality: string, offerId: string, counts: Five) =>
  counts.map((grants, i) => ({ municipality, offerId, daysPerWeek: i + 1, grants }));

/** Rows of days-per-week-by-level for one municipality: every level listed × days 1–5; `nonzero` = [level, days, grants]. */
const byLevel = (municipality: string, levels: (number | null)[], nonzero: [number | null, number, number][]) =>
  levels.flatMap((functionLevel) =>
    [1, 2, 3, 4, 5].map((daysPerWeek) => ({
      municipality, functionLevel, daysPerWeek,
      grants: nonzero.find(([l, d]) => l === functionLevel && d === daysPerWeek)?.[2] ?? 0,
    })));

const followUp = (municipality: string, activeGrants: number, overdue: number, held: number, heldOnTime: number, heldOnTimePct: number | null) =>
  ({ municipality, activeGrants, overdue, held, heldOnTime, heldOnTimePct });

/** One grant, 3 days from 2024-01-15 at o-1, changed 3 → 4 (2024-03-01) → 2 (2024-06-01), then offer only → o-2 (2024-08-01). */
function changedTwice(municipality: string, caseId = 'chg-1'): ScenarioEvent[] {
  const c = caseOf(municipality, caseId);
  return [
    c.applied('2023-12-01'),
    c.granted('2024-01-10', { daysPerWeek: 3, startDate: '2024-01-15', offerId: 'o-1' }),
    c.started('2024-01-15', 'o-1'),
    c.changed('2024-03-01', { daysPerWeek: 4 }),
    c.changed('2024-06-01', { daysPerWeek: 2 }),
    // the change of offer: ServiceEnded at the old offer, ServiceStarted at the new (contract §1)
    c.ended('2024-07-31', 'o-1'),
    c.changed('2024-08-01', { offerId: 'o-2' }),
    c.started('2024-08-01', 'o-2'),
  ];
}

/**
 * Five grants, each with its own days per week so the bucket tells which one is counted:
 *  ie-1 (1 day)  from 2024-01-01; ended at o-1 on 2024-03-15, restarted at o-2 on 2024-03-16
 *  ie-2 (2 days) from 2024-01-01; ended at o-1 on 2024-03-15, restarted at o-2 on 2024-03-20
 *  ie-3 (3 days) from 2024-01-01; ended at o-1 on 2024-03-15, restarted at o-2 on 2024-04-01
 *  ie-4 (4 days) from 2024-03-18 (no ends)
 *  ie-5 (5 days) from 2024-01-01; ended 2024-02-10, restarted 2024-02-20 (same offer), ended 2024-03-14 for good
 */
function inEffectCases(municipality: string): ScenarioEvent[] {
  const [e1, e2, e3, e4, e5] = ['ie-1', 'ie-2', 'ie-3', 'ie-4', 'ie-5'].map((id) => caseOf(municipality, id)) as [
    ReturnType<typeof caseOf>, ReturnType<typeof caseOf>, ReturnType<typeof caseOf>, ReturnType<typeof caseOf>, ReturnType<typeof caseOf>,
  ];
  return [
    e1.applied('2023-11-01'), e1.granted('2023-12-20', { daysPerWeek: 1, startDate: '2024-01-01' }),
    e1.started('2024-01-01', 'o-1'), e1.ended('2024-03-15', 'o-1'), e1.started('2024-03-16', 'o-2'),
    e2.applied('2023-11-02'), e2.granted('2023-12-20', { daysPerWeek: 2, startDate: '2024-01-01' }),
    e2.started('2024-01-01', 'o-1'), e2.ended('2024-03-15', 'o-1'), e2.started('2024-03-20', 'o-2'),
    e3.applied('2023-11-03'), e3.granted('2023-12-20', { daysPerWeek: 3, startDate: '2024-01-01' }),
    e3.started('2024-01-01', 'o-1'), e3.ended('2024-03-15', 'o-1'), e3.started('2024-04-01', 'o-2'),
    e4.applied('2024-01-10'), e4.granted('2024-03-01', { daysPerWeek: 4, startDate: '2024-03-18' }), e4.started('2024-03-18', 'o-1'),
    e5.applied('2023-11-05'), e5.granted('2023-12-20', { daysPerWeek: 5, startDate: '2024-01-01' }),
    e5.started('2024-01-01', 'o-1'), e5.ended('2024-02-10', 'o-1'), e5.started('2024-02-20', 'o-1'), e5.ended('2024-03-14', 'o-1'),
  ];
}

describe('days-per-week: five rows per municipality, zeros included', () => {
  let s: Scenario;
  beforeAll(async () => {
    const l1 = caseOf('350', 'dpw-l1');
    const l2 = caseOf('350', 'dpw-l2');
    const l3 = caseOf('350', 'dpw-l3');
    const l4 = caseOf('350', 'dpw-l4');
    const r1 = caseOf('265', 'dpw-r1');
    s = await given([
      l1.applied('2024-01-02'), l1.granted('2024-02-01', { daysPerWeek: 2, startDate: '2024-02-05' }),
      l2.applied('2024-01-03'), l2.granted('2024-02-10', { daysPerWeek: 2, startDate: '2024-03-01', outcome: 'partly_granted' }),
      l3.applied('2024-01-04'), l3.rejected('2024-02-12'),
      l4.applied('2024-01-05'), l4.granted('2024-02-20', { daysPerWeek: 5, startDate: '2024-03-02' }),
      r1.applied('2023-12-01'), r1.granted('2024-01-10', { daysPerWeek: 4, startDate: '2024-01-15' }),
    ]);
  });
  afterAll(() => s.close());

  it('on 2024-03-01: granted and partly granted count from their startDate; rejected never; a later start not yet', async () => {
    // 350: l1 start 02-05 ≤ 03-01 (2 days); l2 partly_granted, start 03-01 = D (2 days); l3 rejected;
    //      l4 start 03-02 > D. → 2 days: 2, others 0.
    // 265: r1 start 01-15 ≤ D (4 days).
    expect(await s.report('days-per-week', { on: '2024-03-01' })).toEqual([
      ...dpw('265', [0, 0, 0, 1, 0]),
      ...dpw('350', [0, 2, 0, 0, 0]),
    ]);
  });

  it('on 2024-03-02 the later start counts; --municipality keeps one municipality', async () => {
    // l4 start 03-02 = D → 5 days: 1.
    expect(await s.report('days-per-week', { on: '2024-03-02' })).toEqual([
      ...dpw('265', [0, 0, 0, 1, 0]),
      ...dpw('350', [0, 2, 0, 0, 1]),
    ]);
    expect(await s.report('days-per-week', { on: '2024-03-02', municipality: '265' })).toEqual(dpw('265', [0, 0, 0, 1, 0]));
  });
});

describe('days-per-week: a grant changed twice (3 → 4 → 2), then moved to another offer', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await given(changedTwice('350'));
  });
  afterAll(() => s.close());

  // Grant 3 days from 2024-01-15; GrantChanged 2024-03-01 → 4; 2024-06-01 → 2; 2024-08-01 offerId only.
  // The latest GrantChanged setting daysPerWeek dated ≤ D wins; a change dated after D does not count.
  it.each<[string, Five, string]>([
    ['2024-01-14', [0, 0, 0, 0, 0], 'day before startDate 2024-01-15: not in effect'],
    ['2024-01-15', [0, 0, 1, 0, 0], 'startDate: the grant\'s 3 days'],
    ['2024-02-29', [0, 0, 1, 0, 0], 'before the first change (2024-03-01 > D): still 3'],
    ['2024-03-01', [0, 0, 0, 1, 0], 'the first change\'s own date counts: 4'],
    ['2024-05-31', [0, 0, 0, 1, 0], 'between the changes (2024-06-01 > D): 4'],
    ['2024-06-01', [0, 1, 0, 0, 0], 'the second change\'s date: 2'],
    ['2024-07-31', [0, 1, 0, 0, 0], 'ServiceEnded at o-1 dated 07-31 = D is not before D: still in effect, 2'],
    ['2024-08-01', [0, 1, 0, 0, 0], 'offer-only GrantChanged leaves the days at 2; restart at o-2 on 08-01 keeps it in effect'],
  ])('on %s → %j (%s)', async (on, counts) => {
    expect(await s.report('days-per-week', { on })).toEqual([...dpw('265', [0, 0, 0, 0, 0]), ...dpw('350', counts)]);
  });

  it('days-per-week-by-offer: the offer-only GrantChanged moves the grant from o-1 to o-2, with its 2 days', async () => {
    // 2024-07-31: offer change dated 08-01 > D → grant's own o-1; days 2 (change of 06-01).
    expect(await s.report('days-per-week-by-offer', { on: '2024-07-31' })).toEqual(byOffer('350', 'o-1', [0, 1, 0, 0, 0]));
    // 2024-08-01: offer o-2 (change dated 08-01 ≤ D), days untouched: still 2. No o-1 rows (no grant there).
    expect(await s.report('days-per-week-by-offer', { on: '2024-08-01' })).toEqual(byOffer('350', 'o-2', [0, 1, 0, 0, 0]));
    // 2024-05-31: o-1, 4 days.
    expect(await s.report('days-per-week-by-offer', { on: '2024-05-31' })).toEqual(byOffer('350', 'o-1', [0, 0, 0, 1, 0]));
    // before the start nothing is in effect: no offer has a row.
    expect(await s.report('days-per-week-by-offer', { on: '2024-01-14' })).toEqual([]);
  });
});

describe('days-per-week: which grants are in effect (ServiceEnded / ServiceStarted)', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await given(inEffectCases('350'));
  });
  afterAll(() => s.close());

  // Columns: days 1..5 = ie-1 … ie-5 (see inEffectCases).
  it.each<[string, Five, string]>([
    ['2024-02-15', [1, 1, 1, 0, 0], 'ie-5 ended 02-10 < D, restart 02-20 is after D → out; ie-4 starts 03-18'],
    ['2024-02-20', [1, 1, 1, 0, 1], 'ie-5 restarted on D (02-20 > 02-10 and ≤ D) → back in'],
    ['2024-03-14', [1, 1, 1, 0, 1], 'ie-5 end day 03-14 is its last service day: still in effect'],
    ['2024-03-15', [1, 1, 1, 0, 0], 'end day 03-15 of ie-1..3: still in effect; ie-5 (end 03-14 < D, no restart) out'],
    ['2024-03-16', [1, 0, 0, 0, 0], 'day after the end: ie-1 restarted at o-2 on 03-16 → in; ie-2 (03-20) and ie-3 (04-01) restart later → out'],
    ['2024-03-18', [1, 0, 0, 1, 0], 'ie-4 startDate 03-18 = D → in'],
    ['2024-03-20', [1, 1, 0, 1, 0], 'ie-2 restart day at o-2 → in'],
    ['2024-04-01', [1, 1, 1, 1, 0], 'ie-3 restart day at o-2 → in; ie-5 never restarted → out'],
  ])('on %s → %j (%s)', async (on, counts) => {
    expect(await s.report('days-per-week', { on })).toEqual([...dpw('265', [0, 0, 0, 0, 0]), ...dpw('350', counts)]);
  });
});

describe('days-per-week-by-level: the latest AssessmentCompleted dated on or before --on', () => {
  let s: Scenario;
  beforeAll(async () => {
    const v1 = caseOf('350', 'lv-1');
    const v2 = caseOf('350', 'lv-2');
    const v3 = caseOf('350', 'lv-3');
    const v4 = caseOf('265', 'lv-4');
    s = await given([
      // lv-1: level 2 (2023-11-01), reassessed 4 on 2024-05-01; 3 days from 2024-01-01
      v1.applied('2023-10-01'), v1.assessed('2023-11-01', 2), v1.granted('2023-12-01', { daysPerWeek: 3, startDate: '2024-01-01' }),
      v1.assessed('2024-05-01', 4),
      // lv-2: level 4 dated 2023-12-01; a level-3 assessment dated 2023-10-01 recorded late (2024-01-10):
      // the latest *dated* one (4) counts, not the latest recorded. 3 days from 2024-01-01.
      v2.applied('2023-09-01'), recordedAt(v2.assessed('2023-10-01', 3), '2024-01-10T09:00:00+01:00'), v2.assessed('2023-12-01', 4),
      v2.granted('2023-12-15', { daysPerWeek: 3, startDate: '2024-01-01' }),
      // lv-3: no assessment until 2024-04-15 (level 1); 1 day from 2024-02-01
      v3.applied('2024-01-02'), v3.granted('2024-01-20', { daysPerWeek: 1, startDate: '2024-02-01' }), v3.assessed('2024-04-15', 1),
      // lv-4 (Roskilde): level 3; 5 days from 2024-02-01
      v4.applied('2023-12-01'), v4.assessed('2024-01-05', 3), v4.granted('2024-01-20', { daysPerWeek: 5, startDate: '2024-02-01' }),
    ]);
  });
  afterAll(() => s.close());

  it('on 2024-04-01: lv-1 at level 2 (reassessment 05-01 is later), lv-2 at 4, lv-3 without assessment → null', async () => {
    // 265: levels 0–4 × days 1–5; lv-4: (3, 5 days) = 1. No null level in 265 → no null rows.
    // 350: levels 0–4 and null × days 1–5; lv-1 (2, 3 days), lv-2 (4, 3 days), lv-3 (null, 1 day).
    expect(await s.report('days-per-week-by-level', { on: '2024-04-01' })).toEqual([
      ...byLevel('265', [0, 1, 2, 3, 4], [[3, 5, 1]]),
      ...byLevel('350', [0, 1, 2, 3, 4, null], [[2, 3, 1], [4, 3, 1], [null, 1, 1]]),
    ]);
  });

  it('on 2024-05-01: lv-1 now at 4 (assessment dated 05-01 ≤ D), lv-3 at 1; no null rows left', async () => {
    expect(await s.report('days-per-week-by-level', { on: '2024-05-01' })).toEqual([
      ...byLevel('265', [0, 1, 2, 3, 4], [[3, 5, 1]]),
      ...byLevel('350', [0, 1, 2, 3, 4], [[1, 1, 1], [4, 3, 2]]),
    ]);
  });
});

describe('days-per-week --as-of: a GrantChanged recorded after the as-of timestamp is invisible', () => {
  let s: Scenario;
  beforeAll(async () => {
    const a = caseOf('350', 'asof-1');
    s = await given([
      a.applied('2023-12-01'), // recorded 2023-12-01T12:00+01:00
      a.granted('2023-12-20', { daysPerWeek: 2, startDate: '2024-01-01' }), // recorded 2023-12-20T12:00+01:00
      // dated 2024-02-01, but registered only on 2024-03-10 at 09:00 (+01:00) = 08:00Z
      recordedAt(a.changed('2024-02-01', { daysPerWeek: 5 }), '2024-03-10T09:00:00+01:00'),
    ]);
  });
  afterAll(() => s.close());

  it.each<[string | undefined, Five, string]>([
    [undefined, [0, 0, 0, 0, 1], 'everything known: the change dated 02-01 ≤ 03-01 gives 5 days'],
    ['2024-03-01T23:59:59+01:00', [0, 1, 0, 0, 0], 'the change was not yet recorded: the grant\'s 2 days'],
    ['2024-03-10T08:59:59+01:00', [0, 1, 0, 0, 0], 'one second before it was recorded'],
    ['2024-03-10T09:00:00+01:00', [0, 0, 0, 0, 1], 'recordedAt = as-of counts (≤)'],
    ['2024-03-10T08:00:00Z', [0, 0, 0, 0, 1], 'the same instant in UTC'],
    ['2023-12-20T11:59:59+01:00', [0, 0, 0, 0, 0], 'before the decision was recorded: no grant at all'],
  ])('asOf %s → %j (%s)', async (asOf, counts) => {
    expect(await s.report('days-per-week', { on: '2024-03-01', ...(asOf === undefined ? {} : { asOf }) })).toEqual([
      ...dpw('265', [0, 0, 0, 0, 0]),
      ...dpw('350', counts),
    ]);
  });
});

describe('reverse order: the same events imported backwards give identical rows', () => {
  let forward: Scenario;
  let backward: Scenario;
  beforeAll(async () => {
    const events = [...changedTwice('265', 'rv-chg'), ...inEffectCases('350')];
    forward = await given(events);
    backward = await given([...events].reverse());
  });
  afterAll(() => {
    forward.close();
    backward.close();
  });

  // 265: the grant changed twice (see changedTwice); 350: ie-1 … ie-5 (see inEffectCases).
  it.each<[string, Five, Five]>([
    ['2024-03-15', [0, 0, 0, 1, 0], [1, 1, 1, 0, 0]], // 265: change 03-01 → 4
    ['2024-03-20', [0, 0, 0, 1, 0], [1, 1, 0, 1, 0]],
    ['2024-08-01', [0, 1, 0, 0, 0], [1, 1, 1, 1, 0]], // 265: change 06-01 → 2; 350: all but ie-5
  ])('days-per-week on %s', async (on, r265, r350) => {
    const expected = [...dpw('265', r265), ...dpw('350', r350)];
    expect(await forward.report('days-per-week', { on })).toEqual(expected);
    expect(await backward.report('days-per-week', { on })).toEqual(expected);
  });

  it('days-per-week-by-offer, -by-level and follow-up on 2024-08-01', async () => {
    const on = '2024-08-01';
    // 265: offer o-2 from the offer-only change dated 08-01, 2 days. 350: no GrantChanged, so every
    // grant keeps its own offer o-1 (the grant's offer, even where the service restarted at o-2).
    const offers = [...byOffer('265', 'o-2', [0, 1, 0, 0, 0]), ...byOffer('350', 'o-1', [1, 1, 1, 1, 0])];
    expect(await forward.report('days-per-week-by-offer', { on })).toEqual(offers);
    expect(await backward.report('days-per-week-by-offer', { on })).toEqual(offers);
    // No assessments anywhere: every grant at level null.
    const levels = [
      ...byLevel('265', [0, 1, 2, 3, 4, null], [[null, 2, 1]]),
      ...byLevel('350', [0, 1, 2, 3, 4, null], [[null, 1, 1], [null, 2, 1], [null, 3, 1], [null, 4, 1]]),
    ];
    expect(await forward.report('days-per-week-by-level', { on })).toEqual(levels);
    expect(await backward.report('days-per-week-by-level', { on })).toEqual(levels);
    // Follow-up: no FollowUpHeld; due = start + 12 months: 265 2025-01-15; 350 2025-01-01 (×3) and
    // 2025-03-18 — none before 2024-08-01. held 0 → pct null.
    const fu = [followUp('265', 1, 0, 0, 0, null), followUp('350', 4, 0, 0, 0, null)];
    expect(await forward.report('follow-up', { on })).toEqual(fu);
    expect(await backward.report('follow-up', { on })).toEqual(fu);
  });
});

describe('reverse order: two GrantChanged dated the same day, the later recorded (a correction) wins either way', () => {
  let forward: Scenario;
  let backward: Scenario;
  beforeAll(async () => {
    const t = caseOf('350', 'tie-1');
    const events = [
      t.applied('2024-01-02'),
      t.granted('2024-01-20', { daysPerWeek: 3, startDate: '2024-02-01' }),
      recordedAt(t.changed('2024-05-01', { daysPerWeek: 4 }), '2024-05-01T12:00:00+02:00'),
      // the same effective date, corrected the next morning to 1 day
      recordedAt(t.changed('2024-05-01', { daysPerWeek: 1 }), '2024-05-02T09:00:00+02:00'),
    ];
    forward = await given(events);
    backward = await given([...events].reverse()); // the correction now comes first in the log
  });
  afterAll(() => {
    forward.close();
    backward.close();
  });

  it.each<[string, string | undefined, Five]>([
    ['2024-04-30', undefined, [0, 0, 1, 0, 0]], // both changes dated after D: the grant's 3
    ['2024-05-01', undefined, [1, 0, 0, 0, 0]], // both dated D: the later recorded (05-02 09:00) → 1
    ['2024-05-01', '2024-05-01T18:00:00+02:00', [0, 0, 0, 1, 0]], // as known that evening: only the 4
  ])('on %s as of %s', async (on, asOf, counts) => {
    const params = { on, ...(asOf === undefined ? {} : { asOf }) };
    const expected = [...dpw('265', [0, 0, 0, 0, 0]), ...dpw('350', counts)];
    expect(await forward.report('days-per-week', params)).toEqual(expected);
    expect(await backward.report('days-per-week', params)).toEqual(expected);
  });
});

describe('days-per-week --by quarter: one snapshot per quarter, on its last day or --on if earlier', () => {
  let s: Scenario;
  beforeAll(async () => {
    const q1 = caseOf('350', 'q-1');
    const q2 = caseOf('350', 'q-2');
    const q3 = caseOf('265', 'q-3');
    const q4 = caseOf('265', 'q-4');
    s = await given([
      q1.applied('2024-01-02'), q1.granted('2024-01-20', { daysPerWeek: 3, startDate: '2024-02-01' }), q1.changed('2024-06-30', { daysPerWeek: 4 }),
      q2.applied('2024-02-01'), q2.granted('2024-03-10', { daysPerWeek: 1, startDate: '2024-04-01' }), q2.started('2024-04-01'), q2.ended('2024-08-10'),
      q3.applied('2024-06-01'), q3.granted('2024-07-15', { daysPerWeek: 5, startDate: '2024-08-15' }),
      q4.applied('2024-06-02'), q4.granted('2024-07-16', { daysPerWeek: 2, startDate: '2024-08-20' }),
    ]);
  });
  afterAll(() => s.close());

  it('from 2024-01-01 to 2024-09-30, on 2024-08-15: Q1 on 03-31, Q2 on 06-30, Q3 on 08-15', async () => {
    // Q1 (03-31): q-1 3 days (start 02-01); q-2 starts 04-01 → out.
    // Q2 (06-30): q-1 change dated 06-30 ≤ 06-30 → 4 days; q-2 1 day.
    // Q3 (snapshot = --on 08-15, earlier than 09-30): q-1 4 days; q-2 ended 08-10 < 08-15 → out;
    //    q-3 start 08-15 = snapshot → 5 days; q-4 start 08-20 > 08-15 → out (though inside the quarter).
    expect(await s.report('days-per-week', { from: '2024-01-01', to: '2024-09-30', on: '2024-08-15', by: 'quarter' })).toEqual([
      ...dpw('265', [0, 0, 0, 0, 0], '2024-Q1'),
      ...dpw('265', [0, 0, 0, 0, 0], '2024-Q2'),
      ...dpw('265', [0, 0, 0, 0, 1], '2024-Q3'),
      ...dpw('350', [0, 0, 1, 0, 0], '2024-Q1'),
      ...dpw('350', [1, 0, 0, 1, 0], '2024-Q2'),
      ...dpw('350', [0, 0, 0, 1, 0], '2024-Q3'),
    ]);
  });
});

describe('follow-up: due 12 calendar months after the start; month ends', () => {
  let s: Scenario;
  beforeAll(async () => {
    const m1 = caseOf('350', 'fu-m1');
    const m3 = caseOf('350', 'fu-m3');
    const m2 = caseOf('265', 'fu-m2');
    s = await given([
      m1.applied('2022-12-01'), m1.granted('2023-01-20', { startDate: '2023-01-31' }),
      m3.applied('2023-01-10'), m3.granted('2023-02-15', { startDate: '2023-03-01' }),
      m2.applied('2024-01-10'), m2.granted('2024-02-20', { startDate: '2024-02-29' }),
    ]);
  });
  afterAll(() => s.close());

  // fu-m1: 2023-01-31 + 12 months = 2024-01-31.
  // fu-m3: 2023-03-01 + 12 months = 2024-03-01 (a 365-day reading would give 2024-02-29, 2024 being leap).
  // fu-m2: 2024-02-29 + 12 months = 2025-02-28: the calendar-month reading, clamped to the last day
  //        of February 2025 (DuckDB's date + INTERVAL 12 MONTH); not a roll-over to 2025-03-01.
  // overdue ⇔ due < --on; no FollowUpHeld at all → held 0, heldOnTime 0, pct null.
  it.each<[string, [number, number], [number, number]]>([
    ['2024-01-31', [0, 0], [2, 0]], // m1 due = D: not overdue; m2 starts 02-29 > D
    ['2024-02-01', [0, 0], [2, 1]], // m1 due 01-31 < D: overdue
    ['2024-02-29', [1, 0], [2, 1]], // m2 startDate = D: active
    ['2024-03-01', [1, 0], [2, 1]], // m3 due 03-01 = D: not overdue
    ['2024-03-02', [1, 0], [2, 2]], // m3 overdue
    ['2025-02-28', [1, 0], [2, 2]], // m2 due 2025-02-28 = D: not overdue
    ['2025-03-01', [1, 1], [2, 2]], // m2 overdue
  ])('on %s: 265 [active, overdue] %j, 350 %j', async (on, [a265, o265], [a350, o350]) => {
    expect(await s.report('follow-up', { on })).toEqual([
      followUp('265', a265, o265, 0, 0, null),
      followUp('350', a350, o350, 0, 0, null),
    ]);
  });
});

describe('follow-up: the last FollowUpHeld dated on or before --on restarts the 12 months', () => {
  let s: Scenario;
  beforeAll(async () => {
    const f1 = caseOf('350', 'fu-f1');
    const f2 = caseOf('350', 'fu-f2');
    const f3 = caseOf('350', 'fu-f3');
    s = await given([
      f1.applied('2023-01-05'), f1.granted('2023-02-01', { startDate: '2023-03-01' }), f1.followUp('2024-02-15'),
      f2.applied('2023-01-06'), f2.granted('2023-02-02', { startDate: '2023-03-01' }), f2.followUp('2024-04-10'),
      // ended for good on 2023-12-31: not in effect in 2024, so never active nor overdue
      f3.applied('2022-11-01'), f3.granted('2022-12-01', { startDate: '2023-01-01' }), f3.started('2023-01-01'), f3.ended('2023-12-31'),
    ]);
  });
  afterAll(() => s.close());

  it('on 2024-04-01, period 2024-01-01 … 2024-03-31', async () => {
    // active: f1, f2 (f3 ended 2023-12-31 < D) → 2.
    // f1: last follow-up 2024-02-15 ≤ D → due 2025-02-15: not overdue.
    // f2: follow-up 2024-04-10 is after D → due 2023-03-01 + 12 months = 2024-03-01 < D: overdue → 1.
    // held in the period: f1 2024-02-15 (f2's 04-10 is outside) → 1; due from the start 2024-03-01,
    //   02-15 ≤ 03-01 → on time → 1/1 = 100.0.
    expect(await s.report('follow-up', { on: '2024-04-01', from: '2024-01-01', to: '2024-03-31' })).toEqual([
      followUp('265', 0, 0, 0, 0, null),
      followUp('350', 2, 1, 1, 1, 100),
    ]);
  });

  it('on 2024-04-10, period 2024-01-01 … 2024-04-10', async () => {
    // f2: follow-up 04-10 ≤ D → due 2025-04-10: no longer overdue → overdue 0.
    // held: f1 02-15 (on time) and f2 04-10 (due from the start 2024-03-01, 04-10 > 03-01 → late) → 2, 1, 50.0.
    expect(await s.report('follow-up', { on: '2024-04-10', from: '2024-01-01', to: '2024-04-10' })).toEqual([
      followUp('265', 0, 0, 0, 0, null),
      followUp('350', 2, 0, 2, 1, 50),
    ]);
  });
});

describe('follow-up: held in the period, on time against the due date from what preceded it', () => {
  let s: Scenario;
  beforeAll(async () => {
    const h1 = caseOf('350', 'fu-h1');
    const h2 = caseOf('350', 'fu-h2');
    const h3 = caseOf('265', 'fu-h3');
    const h5 = caseOf('265', 'fu-h5');
    const h6 = caseOf('265', 'fu-h6');
    s = await given([
      h1.applied('2022-12-01'), h1.granted('2023-01-10', { startDate: '2023-01-31' }),
      h1.followUp('2024-01-31'), h1.followUp('2024-06-01'), h1.followUp('2025-01-10'),
      h2.applied('2022-12-02'), h2.granted('2023-01-11', { startDate: '2023-02-01' }), h2.followUp('2024-02-02'),
      h3.applied('2022-11-01'), h3.granted('2022-12-01', { startDate: '2023-01-01' }), h3.followUp('2023-12-20'), h3.followUp('2024-12-21'),
      h5.applied('2024-01-05'), h5.granted('2024-02-01', { startDate: '2024-03-01' }), h5.followUp('2024-09-01'),
      h6.applied('2023-05-01'), h6.granted('2023-06-01', { startDate: '2023-06-15' }),
    ]);
  });
  afterAll(() => s.close());

  it('period 2024, on 2024-12-31', async () => {
    // 350 held (dated 2024-01-01 … 2024-12-31):
    //   h1 2024-01-31: due from start 2023-01-31 + 12 months = 2024-01-31; 01-31 ≤ 01-31 → on time
    //   h1 2024-06-01: due from the previous follow-up 2024-01-31 + 12 months = 2025-01-31 → on time
    //   h1 2025-01-10: outside the period, not counted
    //   h2 2024-02-02: due from start 2023-02-01 + 12 months = 2024-02-01; 02-02 > 02-01 → late
    //   → held 3, on time 2, 2/3 = 66.666… → 66.7
    // 350 active on 12-31: h1 (last follow-up ≤ D: 2024-06-01 → due 2025-06-01), h2 (2024-02-02 → due
    //   2025-02-02) → 2 active, 0 overdue.
    // 265 held:
    //   h3 2023-12-20: outside the period (it still is the "previous" one of the next)
    //   h3 2024-12-21: due from the previous follow-up 2023-12-20 + 12 months = 2024-12-20 → late (by one day)
    //   h5 2024-09-01: due from start 2024-03-01 + 12 months = 2025-03-01 → on time
    //   → held 2, on time 1, 50.0
    // 265 active on 12-31: h3 (2024-12-21 → due 2025-12-21), h5 (2024-09-01 → 2025-09-01),
    //   h6 (no follow-up; 2023-06-15 + 12 months = 2024-06-15 < 12-31 → overdue) → 3 active, 1 overdue.
    expect(await s.report('follow-up', { on: '2024-12-31', from: '2024-01-01', to: '2024-12-31' })).toEqual([
      followUp('265', 3, 1, 2, 1, 50),
      followUp('350', 2, 0, 3, 2, 66.7),
    ]);
  });
});
