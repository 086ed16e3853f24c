import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseOf, given, legalBasisChanged, offer, type Scenario } from '../scenario.ts';

/**
 * data-quality (domain.md metric 10): one row per municipality × check, zeros included, each with
 * its count (of findings: events, services or applications) and up to five example case ids.
 * Every expected number is worked out by hand.
 */

const CHECKS = [
  'unknown_case', 'unknown_offer', 'grant_days_outside_standard', 'attendance_outside_service',
  'service_at_82a_offer', 'service_without_citizen', 'application_before_standard',
] as const;
type Check = (typeof CHECKS)[number];
const rowsOf = (municipality: string, found: Partial<Record<Check, { count: number; examples: string[] }>> = {}) =>
  CHECKS.map((check) => ({ municipality, check, ...(found[check] ?? { count: 0, examples: [] }) }));

describe('data-quality: each check on a small Roskilde scenario', () => {
  const q1 = caseOf('265', 'q-1');
  const q2 = caseOf('265', 'q-2'); // case events but no ApplicationReceived
  const q3 = caseOf('265', 'q-3'); // a §82a continuation case: no application by design
  const q4 = caseOf('265', 'q-4');
  const q5 = caseOf('265', 'q-5');
  const q6 = caseOf('265', 'q-6');
  const q7 = caseOf('265', 'q-7'); // a ServiceStarted with no application and no citizenId
  const q8 = caseOf('265', 'q-8'); // a decision and a ServiceStarted naming the citizen, no application
  const l0 = caseOf('350', 'l-0');
  const events = [
    offer('265', '2020-01-01', 'itc'),
    offer('265', '2020-01-01', 'tirsdag'),
    legalBasisChanged('265', '2024-03-01', 'tirsdag', 'SEL82a'),
    // q-1: service at 'itc' from 2024-02-05 to 2024-06-28 (ServiceEnded = last service day).
    //      Attendance 02-05 (first day) and 06-28 (the end day) are inside; 06-29 (the day after
    //      the end) is outside → attendance_outside_service 1.
    q1.applied('2024-01-10'), q1.granted('2024-02-01', { offerId: 'itc', startDate: '2024-02-05' }),
    q1.started('2024-02-05', 'itc'), q1.attendance('2024-02-05', 'attended', 'itc'),
    q1.attendance('2024-06-28', 'attended', 'itc'), q1.ended('2024-06-28', 'itc'),
    q1.attendance('2024-06-29', 'cancelled', 'itc'),
    // q-2: two case events, no application → unknown_case 2 events.
    q2.assessed('2024-03-01', 3), q2.granted('2024-03-10', { offerId: 'itc' }),
    // q-3: starts with a ServiceStarted carrying citizenId → not unknown_case (nor its attendance,
    //      which is inside its §82a service from 03-11).
    q3.started('2024-03-11', 'tirsdag', 'SEL82a', true), q3.attendance('2024-03-12', 'attended', 'tirsdag'),
    // q-4: §104 service at 'tirsdag' from 2023-07-03, never ended; 'tirsdag' is §82a from
    //      2024-03-01, so on --on = 2024-12-31 → service_at_82a_offer.
    q4.applied('2023-06-01'), q4.granted('2023-07-03', { offerId: 'tirsdag' }), q4.started('2023-07-03', 'tirsdag'),
    // q-5: the same, but ended 2024-02-29 → not in effect on 2024-12-31, not counted.
    q5.applied('2023-06-01'), q5.granted('2023-07-03', { offerId: 'tirsdag' }), q5.started('2023-07-03', 'tirsdag'),
    q5.ended('2024-02-29', 'tirsdag', 'legal_basis_changed'),
    // q-6: a grant and a start at 'ghost', never registered → unknown_offer 2 events.
    q6.applied('2024-04-01'), q6.granted('2024-04-15', { offerId: 'ghost' }), q6.started('2024-04-15', 'ghost'),
    // q-7: no application and no citizenId → unknown_case 1 event and service_without_citizen 1.
    q7.started('2024-05-01', 'itc'),
    // q-8: granted and started with citizenId, but no application: not a case without application
    //      by design (that one has no decision, contract §1) → unknown_case 2 events.
    q8.granted('2024-06-03', { offerId: 'itc' }), q8.started('2024-06-10', 'itc', 'SEL104', true),
    // l-0: Lejre application received 2018-11-01, before lejre-old (from 2019-01-01).
    l0.applied('2018-11-01'),
  ];
  let s: Scenario;
  beforeAll(async () => { s = await given(events); });
  afterAll(() => s.close());

  it('2024, on 2024-12-31: counts and example case ids per check; zeros for the rest', async () => {
    expect(await s.report('data-quality', { from: '2024-01-01', to: '2024-12-31', on: '2024-12-31' })).toEqual([
      ...rowsOf('265', {
        // q-2: AssessmentCompleted 03-01 + DecisionMade 03-10; q-7: ServiceStarted 05-01;
        // q-8: DecisionMade 06-03 + ServiceStarted 06-10 → 5 events (q-8 was not counted)
        unknown_case: { count: 5, examples: ['q-2', 'q-7', 'q-8'] },
        // q-6: DecisionMade 04-15 + ServiceStarted 04-15 at 'ghost' → 2 events
        unknown_offer: { count: 2, examples: ['q-6'] },
        // (days per week 1–5 is enforced by the event schema, and both standards allow 1–5)
        attendance_outside_service: { count: 1, examples: ['q-1'] }, // 2024-06-29 only
        service_at_82a_offer: { count: 1, examples: ['q-4'] },
        service_without_citizen: { count: 1, examples: ['q-7'] },
      }),
      // Lejre's only event is dated 2018: every check 0 in 2024.
      ...rowsOf('350'),
    ]);
  });

  it('2018: the Lejre application before the standard', async () => {
    expect(await s.report('data-quality', { from: '2018-01-01', to: '2018-12-31', on: '2018-12-31' })).toEqual([
      ...rowsOf('265'),
      ...rowsOf('350', { application_before_standard: { count: 1, examples: ['l-0'] } }),
    ]);
  });

  it('service_at_82a_offer is taken on --on: on 2024-02-29 the offer is still §104', async () => {
    const rows = await s.report('data-quality', { from: '2024-01-01', to: '2024-02-29', on: '2024-02-29' });
    expect(rows.filter((r) => r.check === 'service_at_82a_offer')).toEqual([
      { municipality: '265', check: 'service_at_82a_offer', count: 0, examples: [] },
      { municipality: '350', check: 'service_at_82a_offer', count: 0, examples: [] },
    ]);
  });
});
