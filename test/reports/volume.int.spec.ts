import { describe, expect, it } from 'vitest';
import type { Row } from '../../reports/runner.ts';
import type { ReportParams } from '../../reports/params.ts';
import { caseOf, event, given, type ScenarioEvent } from '../scenario.ts';

/**
 * volume (domain.md metric 9), worked by hand. Anchor: each event's own date.
 * applications / withdrawn / decisions by outcome / starts / ends of §104 services in the period;
 * grantsInEffect on --on: startDate ≤ D and no ServiceEnded of the case dated before D, unless a
 * ServiceStarted of the case follows that end (dated after it) on or before D;
 * transportSharePct = grants decided in the period with transport ≠ 'none' ÷ grants decided in the period.
 */

type Case = ReturnType<typeof caseOf>;
const cases = <const N extends readonly string[]>(municipality: string, ids: N) =>
  ids.map((id) => caseOf(municipality, id)) as { [K in keyof N]: Case };

async function report(events: readonly ScenarioEvent[], params: ReportParams & { on: string }): Promise<Row[]> {
  const s = await given(events);
  try {
    return await s.report('volume', params);
  } finally {
    s.close();
  }
}

describe('volume', () => {
  describe('counts in the period (2023)', () => {
    const [v1, v2, v3, v4, v5, v6, v7, v8, v9] = cases('350', ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    const r1 = caseOf('265', 'r1');
    const events = [
      // received 2022 (out); granted in 2023 with transport; started 2023-02-01 and still running
      v1.applied('2022-11-15'), v1.granted('2023-01-10', { transport: 'public', startDate: '2023-02-01' }), v1.started('2023-02-01'),
      // partly granted without transport; started and ended in 2023
      v2.applied('2023-02-01'), v2.granted('2023-03-01', { outcome: 'partly_granted', transport: 'none', startDate: '2023-03-15' }),
      v2.started('2023-03-15'), v2.ended('2023-06-30'),
      v3.applied('2023-03-01'), v3.rejected('2023-04-01'),
      v4.applied('2023-04-01'), v4.withdrawn('2023-04-20'),
      // received and withdrawn in 2022 (out)
      v5.applied('2022-12-01'), v5.withdrawn('2022-12-20'),
      // granted on --to (in), starts in 2024
      v6.applied('2023-06-01'), v6.granted('2023-12-31', { transport: 'arranged', startDate: '2024-01-08' }),
      // received on --to (in), decided 2024 (out)
      v7.applied('2023-12-31'), v7.granted('2024-01-02', { transport: 'public' }),
      // a §82a service (no application): neither its start nor its end is a §104 start/end
      v8.started('2023-03-01', 'o-82', 'SEL82a', true), v8.ended('2023-08-31', 'o-82'),
      // everything in 2022 except the end, on --from (in)
      v9.applied('2022-05-01'), v9.granted('2022-06-01', { startDate: '2022-06-15' }), v9.started('2022-06-15'), v9.ended('2023-01-01'),
      // Roskilde
      r1.applied('2023-05-01'), r1.granted('2023-06-01', { transport: 'public' }), r1.started('2023-06-01'),
    ];
    // Lejre, 2023-01-01..2023-12-31, --on 2023-12-31:
    //   applications: v2, v3, v4, v6, v7 = 5 (v1, v5, v9 received in 2022)
    //   withdrawn: v4 = 1 (v5's in 2022)
    //   decisions: v1 granted, v2 partly, v3 rejected, v6 granted = 4 → granted 2, partlyGranted 1, rejected 1
    //   grantsInEffect on 12-31: v1 (start 02-01, no end) = 1; not v2 (ended 06-30), v6 (starts 2024),
    //     v7 (decided 2024, start 2024-01-02), v9 (ended 01-01)
    //   starts (§104): v1 02-01, v2 03-15 = 2; ends (§104): v9 01-01, v2 06-30 = 2
    //   transport: grants decided in 2023 v1 (public), v2 (none), v6 (arranged) → 2 of 3 = 66.7
    // Roskilde: 1 application, 1 grant (public) in effect since 06-01, 1 start → transport 1/1 = 100.0
    const expected: Row[] = [
      { municipality: '265', applications: 1, withdrawn: 0, decisions: 1, granted: 1, partlyGranted: 0, rejected: 0,
        grantsInEffect: 1, starts: 1, ends: 0, transportSharePct: 100 },
      { municipality: '350', applications: 5, withdrawn: 1, decisions: 4, granted: 2, partlyGranted: 1, rejected: 1,
        grantsInEffect: 1, starts: 2, ends: 2, transportSharePct: 66.7 },
    ];
    const params = { from: '2023-01-01', to: '2023-12-31', on: '2023-12-31' };

    it('counts each event by its own date, both ends of the period inclusive', async () => {
      expect(await report(events, params)).toEqual(expected);
    });

    it('the same events imported in reverse order give the same rows', async () => {
      expect(await report([...events].reverse(), params)).toEqual(expected);
    });

    it('--by year: one row per year, snapshot on each year end', async () => {
      // Periods from the first (Lejre) application 2022-05-01 to --on 2023-12-31: '2022' and '2023'.
      // 2022 (2022-05-01..12-31, snapshot 12-31): applications v9 (05-01), v1 (11-15), v5 (12-01) = 3; withdrawn v5 = 1;
      //   decisions v9 granted = 1; in effect on 2022-12-31: v9 (start 06-15, its end 2023-01-01 is not before 12-31) = 1,
      //   v1 not yet (start 2023-02-01); starts v9 = 1; ends 0; transport v9 none → 0 of 1 = 0.0.
      // 2023: as above.
      expect(await report(events, { municipality: '350', on: '2023-12-31', by: 'year' })).toEqual([
        { period: '2022', municipality: '350', applications: 3, withdrawn: 1, decisions: 1, granted: 1, partlyGranted: 0, rejected: 0,
          grantsInEffect: 1, starts: 1, ends: 0, transportSharePct: 0 },
        { period: '2023', ...expected[1] },
      ]);
    });
  });

  it('grants in effect on --on: start date, ends before --on, restarts after an end', async () => {
    const [g1, g3, g4, g5, g6, g7, g8, g10] = cases('350', ['g1', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'g10']);
    const served = (k: Case) => [k.applied('2023-01-02'), k.granted('2023-01-10', { startDate: '2023-02-01' }), k.started('2023-02-01')];
    const events = [
      // granted with transport, start 02-01, no service events at all: in effect from its startDate
      g1.applied('2023-01-02'), g1.granted('2023-01-10', { transport: 'public', startDate: '2023-02-01' }),
      // start date 2024-01-01: not yet on 2023-12-31
      g3.applied('2023-01-02'), g3.granted('2023-12-01', { startDate: '2024-01-01' }),
      ...served(g4), g4.ended('2023-12-31'), // ends on D (last service day): not "before D" → in effect on 12-31
      ...served(g5), g5.ended('2023-12-30'), // ended the day before D → not in effect
      ...served(g6), g6.ended('2023-09-30'), g6.started('2023-10-15'), // restarted after the end, before D → in effect
      ...served(g7), g7.ended('2023-11-30'), g7.started('2024-01-15'), // restarted only after D → not in effect on 12-31
      ...served(g8), g8.ended('2023-11-30'), g8.started('2023-11-30'), // a start on the end day is not "after that end" → not
      // partly granted, start date = D → in effect
      g10.applied('2023-01-02'), g10.granted('2023-12-01', { outcome: 'partly_granted', startDate: '2023-12-31' }),
    ];
    // No --from/--to: every event counts.
    //   applications 8 (all 2023-01-02); decisions 8: granted 7, partlyGranted 1
    //   starts: g4, g5, g6, g7, g8 on 02-01 + g6 10-15 + g7 2024-01-15 + g8 11-30 = 8; ends: g4…g8 = 5
    //   transport: 1 (g1) of 8 grants = 12.5
    const base = { municipality: '350', applications: 8, withdrawn: 0, decisions: 8, granted: 7, partlyGranted: 1, rejected: 0,
      starts: 8, ends: 5, transportSharePct: 12.5 };
    const s = await given(events);
    try {
      // On 2023-12-31: g1, g4, g6, g10 = 4.
      expect(await s.report('volume', { municipality: '350', on: '2023-12-31' })).toEqual([{ ...base, grantsInEffect: 4 }]);
      // On 2024-01-15: g1; g3 (start 01-01); g4 now ended 12-31 < D; g5 no; g6 yes; g7 restarted 01-15 ≤ D and after
      // its end 11-30 → yes; g8 no (its only later start is not after the end); g10 yes → g1, g3, g6, g7, g10 = 5.
      expect(await s.report('volume', { municipality: '350', on: '2024-01-15' })).toEqual([{ ...base, grantsInEffect: 5 }]);
    } finally {
      s.close();
    }
  });

  it('transportSharePct rounds half up: 1 of 16 = 6.25 → 6.3', async () => {
    // 16 grants decided 2023-03-01 (decisions alone, no applications), one with public transport.
    const events = Array.from({ length: 16 }, (_, i) =>
      event('DecisionMade', '350', `t${i + 1}`, '2023-03-01', {
        decisionId: `d-t${i + 1}`, outcome: 'granted', legalBasis: 'SEL104',
        grant: { offerId: 'o-1', daysPerWeek: 2, transport: i === 0 ? 'public' : 'none', startDate: '2023-03-01' },
      }));
    // 1/16 = 0.0625 → 6.25 % → half up → 6.3. All 16 in effect on 2023-03-31 (start 03-01, no ends).
    expect(await report(events, { municipality: '350', on: '2023-03-31' })).toEqual([
      { municipality: '350', applications: 0, withdrawn: 0, decisions: 16, granted: 16, partlyGranted: 0, rejected: 0,
        grantsInEffect: 16, starts: 0, ends: 0, transportSharePct: 6.3 },
    ]);
  });
});
