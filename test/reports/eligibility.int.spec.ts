import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseOf, given, offer, type Scenario } from '../scenario.ts';

/**
 * eligibility and eligibility-cases (domain.md metric 8). Anchor: the decision date; grants only.
 * Rules come from the standard version in force on the application's RECEIVED date. Age counts in
 * completed years from the first day of the birth month. Every expected number is worked out by hand.
 */

const RULES = ['under_18', 'over_pension_age', 'below_function_level', 'no_action_plan', 'provider_not_approved'] as const;
type Rule = (typeof RULES)[number];
const rowsOf = (municipality: string, counts: Partial<Record<Rule, number>> = {}) =>
  RULES.map((rule) => ({ municipality, rule, grants: counts[rule] ?? 0 }));

describe('eligibility: age limits (Roskilde: minAge 18, maxAgeIsPensionAge)', () => {
  const r1 = caseOf('265', 'r-1');
  const r2 = caseOf('265', 'r-2');
  const r3 = caseOf('265', 'r-3');
  const r4 = caseOf('265', 'r-4');
  const r5 = caseOf('265', 'r-5');
  const r6 = caseOf('265', 'r-6');
  const r7 = caseOf('265', 'r-7');
  const r8 = caseOf('265', 'r-8');
  const r9 = caseOf('265', 'r-9');
  const g = { offerId: 'klub' };
  const events = [
    // Not approved, not listed: Roskilde has no provider rule, so it must not count.
    offer('265', '2019-01-01', 'klub', { approved: false, listed: false }),
    // r-1: born 1953-12 (before 1954) → 65 → reached 1953-12-01 + 65 y = 2018-12-01.
    //      Decided 2019-02-01 ≥ 2018-12-01 → over_pension_age. Level 1: no function-level rule
    //      in Roskilde, and no action plan: no action-plan rule either.
    r1.applied('2019-01-15', { birthMonth: '1953-12' }), r1.assessed('2019-01-20', 1), r1.granted('2019-02-01', g),
    // r-2, r-3: born 1954-03 (1 Jan – 30 Jun 1954) → 65½ → 1954-03-01 + 65 y 6 m = 2019-09-01.
    //      r-2 decided 2019-08-31 → not reached; r-3 decided 2019-09-01 → over_pension_age.
    r2.applied('2019-08-01', { birthMonth: '1954-03' }), r2.granted('2019-08-31', g),
    r3.applied('2019-08-01', { birthMonth: '1954-03' }), r3.granted('2019-09-01', g),
    // r-4, r-5: born 1960-05 (1 Jul 1955 – 31 Dec 1962) → 67 → 1960-05-01 + 67 y = 2027-05-01.
    //      r-4 decided 2027-04-30 → not reached; r-5 decided 2027-05-01 → over_pension_age.
    r4.applied('2027-04-01', { birthMonth: '1960-05' }), r4.granted('2027-04-30', g),
    r5.applied('2027-04-01', { birthMonth: '1960-05' }), r5.granted('2027-05-01', g),
    // r-6: born 1963-01 (1 Jan 1963 – 31 Dec 1966) → 68 → 1963-01-01 + 68 y = 2031-01-01.
    //      Decided 2030-06-03 → not reached (at 67 it would have been 2030-01-01: reached).
    r6.applied('2030-05-01', { birthMonth: '1963-01' }), r6.granted('2030-06-03', g),
    // r-7: born 1966-12 (still the 68 band) → 1966-12-01 + 68 y = 2034-12-01.
    //      Decided 2034-12-01 → over_pension_age (at 69 it would be 2035-12-01: not reached).
    r7.applied('2034-11-01', { birthMonth: '1966-12' }), r7.granted('2034-12-01', g),
    // r-8, r-9: born 2006-03 → 18 on 2006-03-01 + 18 y = 2024-03-01.
    //      r-8 decided 2024-02-29 → under_18; r-9 decided 2024-03-01 → 18, not counted.
    r8.applied('2024-02-01', { birthMonth: '2006-03' }), r8.granted('2024-02-29', g),
    r9.applied('2024-02-01', { birthMonth: '2006-03' }), r9.granted('2024-03-01', g),
  ];
  const params = { from: '2019-01-01', to: '2035-12-31', on: '2035-12-31' };
  let s: Scenario;
  beforeAll(async () => { s = await given(events); });
  afterAll(() => s.close());

  it('counts under_18 and over_pension_age; five rows per municipality, zeros included', async () => {
    expect(await s.report('eligibility', params)).toEqual([
      // under_18: r-8. over_pension_age: r-1, r-3, r-5, r-7. The rest are rules Roskilde lacks.
      ...rowsOf('265', { under_18: 1, over_pension_age: 4 }),
      ...rowsOf('350'),
    ]);
  });

  it('eligibility-cases lists the same grants', async () => {
    expect(await s.report('eligibility-cases', params)).toEqual([
      { municipality: '265', rule: 'over_pension_age', caseId: 'r-1', decisionId: 'd-r-1', decidedOn: '2019-02-01' },
      { municipality: '265', rule: 'over_pension_age', caseId: 'r-3', decisionId: 'd-r-3', decidedOn: '2019-09-01' },
      { municipality: '265', rule: 'over_pension_age', caseId: 'r-5', decisionId: 'd-r-5', decidedOn: '2027-05-01' },
      { municipality: '265', rule: 'over_pension_age', caseId: 'r-7', decisionId: 'd-r-7', decidedOn: '2034-12-01' },
      { municipality: '265', rule: 'under_18', caseId: 'r-8', decisionId: 'd-r-8', decidedOn: '2024-02-29' },
    ]);
  });

  it('the period filter is on the decision date', async () => {
    // 2024 holds r-8 (2024-02-29, under 18) and r-9 (2024-03-01, no exception) only.
    expect(await s.report('eligibility', { from: '2024-01-01', to: '2024-12-31', on: '2024-12-31' })).toEqual([
      ...rowsOf('265', { under_18: 1 }),
      ...rowsOf('350'),
    ]);
  });
});

describe('eligibility: Lejre 2021 rules apply by the received date (lejre-2021 from 2022-01-01)', () => {
  const l1 = caseOf('350', 'l-1');
  const l2 = caseOf('350', 'l-2');
  const l3 = caseOf('350', 'l-3');
  const l4 = caseOf('350', 'l-4');
  const l5 = caseOf('350', 'l-5');
  const l6 = caseOf('350', 'l-6');
  const ok = { offerId: 'ok' };
  const events = [
    offer('350', '2020-01-01', 'ok', { approved: true, listed: true }),
    offer('350', '2020-01-01', 'unlisted', { approved: true, listed: false }),
    // All citizens born 1980-05 (adults). lejre-2021: minFunctionLevel 3, action plan within 30
    // days, provider approved AND listed.
    // l-1: level 3; action plan offered 2022-03-31 = 03-01 + 30 days (day 30 is in time) → none.
    l1.applied('2022-02-01'), l1.assessed('2022-02-10', 3), l1.granted('2022-03-01', ok), l1.actionPlan('2022-03-31'),
    // l-2: assessments 3 (02-10), 2 (03-01, the decision day), 4 (03-02, after the decision):
    //      the latest on or before the decision is 2 < 3 → below_function_level.
    l2.applied('2022-02-01'), l2.assessed('2022-02-10', 3), l2.assessed('2022-03-01', 2), l2.assessed('2022-03-02', 4),
    l2.granted('2022-03-01', ok), l2.actionPlan('2022-03-01'),
    // l-3: received 2021-12-31 → lejre-old (no level rule, no action-plan rule, no provider rule),
    //      though decided in 2022 with level 2, an unlisted provider and no plan → counts nowhere.
    l3.applied('2021-12-31'), l3.assessed('2022-01-10', 2), l3.granted('2022-01-20', { offerId: 'unlisted' }),
    // l-4: action plan offered 2022-04-01 = 03-01 + 31 days (day 31 is late) → no_action_plan.
    l4.applied('2022-02-01'), l4.assessed('2022-02-10', 4), l4.granted('2022-03-01', ok), l4.actionPlan('2022-04-01'),
    // l-5: action plan recorded in time but offered = false → no_action_plan.
    l5.applied('2022-02-01'), l5.assessed('2022-02-10', 3), l5.granted('2022-03-01', ok), l5.actionPlan('2022-03-05', false, false),
    // l-6: offer approved by Socialtilsynet but not listed on Tilbudsportalen → provider_not_approved.
    l6.applied('2022-02-01'), l6.assessed('2022-02-10', 3), l6.granted('2022-03-01', { offerId: 'unlisted' }), l6.actionPlan('2022-03-10'),
  ];
  const params = { from: '2022-01-01', to: '2022-12-31', on: '2022-12-31' };
  let s: Scenario;
  beforeAll(async () => { s = await given(events); });
  afterAll(() => s.close());

  it('counts below_function_level, no_action_plan and provider_not_approved', async () => {
    expect(await s.report('eligibility', params)).toEqual([
      ...rowsOf('265'),
      // below_function_level: l-2. no_action_plan: l-4, l-5. provider_not_approved: l-6.
      ...rowsOf('350', { below_function_level: 1, no_action_plan: 2, provider_not_approved: 1 }),
    ]);
  });

  it('eligibility-cases lists the same grants', async () => {
    expect(await s.report('eligibility-cases', params)).toEqual([
      { municipality: '350', rule: 'below_function_level', caseId: 'l-2', decisionId: 'd-l-2', decidedOn: '2022-03-01' },
      { municipality: '350', rule: 'no_action_plan', caseId: 'l-4', decisionId: 'd-l-4', decidedOn: '2022-03-01' },
      { municipality: '350', rule: 'no_action_plan', caseId: 'l-5', decisionId: 'd-l-5', decidedOn: '2022-03-01' },
      { municipality: '350', rule: 'provider_not_approved', caseId: 'l-6', decisionId: 'd-l-6', decidedOn: '2022-03-01' },
    ]);
  });

  it('the same events imported in reverse order give identical rows', async () => {
    const r = await given([...events].reverse());
    try {
      expect(await r.report('eligibility', params)).toEqual(await s.report('eligibility', params));
      expect(await r.report('eligibility-cases', params)).toEqual(await s.report('eligibility-cases', params));
    } finally {
      r.close();
    }
  });
});
