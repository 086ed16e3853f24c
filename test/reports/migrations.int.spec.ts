import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseOf, given, legalBasisChanged, offer, type Scenario } from '../scenario.ts';

/**
 * migrations-82a (domain.md metric 6). Tirsdagsklubben (Roskilde) moves from §104 to §82a with
 * effective date D = 2024-03-01 (a leap year):
 *   D − 1  = 2024-02-29
 *   D + 90 = 2024-05-30  (03-01 + 30 = 03-31, + 30 = 04-30, + 30 = 05-30)
 *   D + 91 = 2024-05-31
 * The cohort is every case whose §104 service at 'tirsdag' was in effect on 2024-02-29.
 * Every expected number below is worked out by hand.
 */

const m1 = caseOf('265', 'm-1', 'p-m1');
const m1b = caseOf('265', 'm-1b', 'p-m1'); // m-1's §82a continuation: same citizen, no application
const m2 = caseOf('265', 'm-2', 'p-m2');
const m3 = caseOf('265', 'm-3', 'p-m3');
const m4 = caseOf('265', 'm-4', 'p-m4');
const m5 = caseOf('265', 'm-5', 'p-m5');
const m5b = caseOf('265', 'm-5b', 'p-m5');
const m6 = caseOf('265', 'm-6', 'p-m6');

const EVENTS = [
  offer('265', '2020-01-01', 'tirsdag'),
  offer('265', '2020-01-01', 'itc'),
  legalBasisChanged('265', '2024-03-01', 'tirsdag', 'SEL82a'),
  // m-1 → continuedUnder82a: §104 service ends 2024-02-29 (its last day); a new case for the same
  //   citizen starts at 'tirsdag' under §82a on 2024-03-11, within [D, D+90].
  //   gap = 2024-03-11 − 2024-02-29 − 1 = 11 − 1 = 10 (03-01 … 03-10).
  m1.applied('2023-01-10'), m1.granted('2023-02-01', { offerId: 'tirsdag' }),
  m1.started('2023-02-06', 'tirsdag'), m1.ended('2024-02-29', 'tirsdag', 'legal_basis_changed'),
  m1b.started('2024-03-11', 'tirsdag', 'SEL82a', true),
  // m-2 → movedTo104: ends at 'tirsdag' 2024-02-29 and starts §104 at 'itc' on 2024-04-02.
  //   gap = 2024-04-02 − 2024-02-29 − 1 = (31 + 2) − 1 = 32 (03-01 … 04-01).
  m2.applied('2023-02-01'), m2.granted('2023-03-01', { offerId: 'tirsdag' }),
  m2.started('2023-03-01', 'tirsdag'), m2.ended('2024-02-29', 'tirsdag', 'legal_basis_changed'),
  m2.started('2024-04-02', 'itc'),
  // m-3 → stillRecordedAs104: the §104 service at 'tirsdag' never ended.
  m3.applied('2023-03-01'), m3.granted('2023-04-03', { offerId: 'tirsdag' }), m3.started('2023-04-03', 'tirsdag'),
  // m-4 → ended: ends 2024-02-29, nothing after.
  m4.applied('2023-04-03'), m4.granted('2023-05-02', { offerId: 'tirsdag' }),
  m4.started('2023-05-02', 'tirsdag'), m4.ended('2024-02-29', 'tirsdag', 'legal_basis_changed'),
  // m-5 → ended: ends 2024-02-29; the §82a restart is on 2024-05-31 = D + 91, outside [D, D+90].
  m5.applied('2023-04-03'), m5.granted('2023-05-02', { offerId: 'tirsdag' }),
  m5.started('2023-05-02', 'tirsdag'), m5.ended('2024-02-29', 'tirsdag', 'legal_basis_changed'),
  m5b.started('2024-05-31', 'tirsdag', 'SEL82a', true),
  // m-6 → not in the cohort: its service at 'tirsdag' ended 2024-02-28, before D − 1, so it was
  //   not in effect on 2024-02-29.
  m6.applied('2023-05-01'), m6.granted('2023-06-01', { offerId: 'tirsdag' }),
  m6.started('2023-06-01', 'tirsdag'), m6.ended('2024-02-28', 'tirsdag', 'citizen_request'),
];

const EXPECTED = [
  {
    municipality: '265',
    offerId: 'tirsdag',
    effectiveDate: '2024-03-01',
    cohort: 5, // m-1 … m-5 (m-6 had ended before D − 1)
    continuedUnder82a: 1, // m-1
    movedTo104: 1, // m-2
    ended: 2, // m-4, m-5
    stillRecordedAs104: 1, // m-3
    // gaps of the first two classes: [10, 32]; nearest rank: rank ⌈2/2⌉ = 1 of the sorted list → 10
    // (not the mean 21, not the upper 32)
    medianGapDays: 10,
    lostAppealRoute: 1, // = continuedUnder82a
  },
];

const PARAMS = { from: '2024-01-01', to: '2024-12-31', on: '2024-12-31' } as const;

describe('migrations-82a: one cohort member in each class', () => {
  let s: Scenario;
  beforeAll(async () => { s = await given(EVENTS); });
  afterAll(() => s.close());

  it('classifies each member, with gap days and lost appeal route', async () => {
    expect(await s.report('migrations-82a', PARAMS)).toEqual(EXPECTED);
  });

  it('the period filter is on the effective date: a 2023 period has no row', async () => {
    expect(await s.report('migrations-82a', { from: '2023-01-01', to: '2023-12-31', on: '2024-12-31' })).toEqual([]);
  });
});

describe('migrations-82a: the same events imported in reverse order', () => {
  let s: Scenario;
  beforeAll(async () => { s = await given([...EVENTS].reverse()); });
  afterAll(() => s.close());

  it('gives identical rows', async () => {
    expect(await s.report('migrations-82a', PARAMS)).toEqual(EXPECTED);
  });
});
