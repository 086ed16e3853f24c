import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, resolvePaths } from '../../consumers/database.ts';
import { importLines } from '../../producers/importer.ts';
import { runReport } from '../../reports/runner.ts';
import { loadStandards } from '../../schemas/standard.ts';
import { tempDir } from '../helpers.ts';
import { caseOf, given } from '../scenario.ts';

describe('open-applications: the work list on --on', () => {
  // On 2024-06-30, Lejre (lejre-2021: 12 weeks = 84 days; at risk from 63 days, 4·63 = 252 = 3·84):
  //   a: received 2024-03-01 → 30 + 30 + 31 + 30 = 121 days, no notice   → overdue_without_notice
  //   h: received 2024-04-01, decided 2024-07-01 (after --on) → 29 + 31 + 30 = 90 days, no notice → overdue_without_notice
  //   b: received 2024-04-06 → 24 + 31 + 30 = 85 days, notified 2024-06-20 → overdue
  //   c: received 2024-04-07 → 84 days (exactly the deadline)           → at_risk
  //   e: received 2024-04-28 → 2 + 31 + 30 = 63 days                     → at_risk
  //   d: received 2024-04-29 → 62 days                                   → open
  //   f: received 2024-04-01, decided 2024-05-01                         → not listed
  // Roskilde: g received 2024-06-01 → 29 days; no deadline               → no_deadline
  const c = (id: string) => caseOf('350', id);
  const g = caseOf('265', 'g');
  const events = [
    c('a').applied('2024-03-01'), c('h').applied('2024-04-01'), c('h').granted('2024-07-01'),
    c('b').applied('2024-04-06'), c('b').notified('2024-06-20', '2024-07-15'), c('c').applied('2024-04-07'),
    c('e').applied('2024-04-28'), c('d').applied('2024-04-29'), c('f').applied('2024-04-01'), c('f').granted('2024-05-01'),
    g.applied('2024-06-01'),
  ];
  const row = (municipality: string, caseId: string, receivedOn: string, standardVersion: string, deadlineWeeks: number | null, elapsedDays: number, status: string, notifiedOn: string | null = null) =>
    ({ municipality, caseId, receivedOn, standardVersion, deadlineWeeks, elapsedDays, status, notifiedOn });

  it('lists each open application with its status, longest waiting first', async () => {
    const s = await given(events);
    try {
      expect(await s.report('open-applications', { on: '2024-06-30' })).toEqual([
        row('265', 'g', '2024-06-01', 'roskilde', null, 29, 'no_deadline'),
        row('350', 'a', '2024-03-01', 'lejre-2021', 12, 121, 'overdue_without_notice'),
        row('350', 'h', '2024-04-01', 'lejre-2021', 12, 90, 'overdue_without_notice'),
        row('350', 'b', '2024-04-06', 'lejre-2021', 12, 85, 'overdue', '2024-06-20'),
        row('350', 'c', '2024-04-07', 'lejre-2021', 12, 84, 'at_risk'),
        row('350', 'e', '2024-04-28', 'lejre-2021', 12, 63, 'at_risk'),
        row('350', 'd', '2024-04-29', 'lejre-2021', 12, 62, 'open'),
      ]);
      // The counts agree with processing-time on the same day: open 6, overdue 3, at risk 2, without notice 2.
      const [pt] = (await s.report('processing-time', { municipality: '350', on: '2024-06-30' })).filter((r) => r.standardVersion === 'lejre-2021');
      expect(pt).toMatchObject({ open: 6, overdue: 3, atRisk: 2, overdueWithoutNotice: 2 });
    } finally {
      s.close();
    }
  });
});

describe('dead-letters: rejected lines by reason', () => {
  const tmp = tempDir('sel104-dlq-report-');
  afterAll(() => tmp.cleanup());

  it('counts lines per field path and rule', async () => {
    // Line 1 valid; lines 2 and 3 a grant of 6 and 7 days a week; line 4 an array.
    const k = caseOf('350', 'k');
    const bad = (days: number) => ({ ...k.granted('2024-02-01'), data: { decisionId: `d-${days}`, outcome: 'granted', legalBasis: 'SEL104', grant: { offerId: 'o-1', daysPerWeek: days, transport: 'none', startDate: '2024-02-05' } } });
    const lines = [JSON.stringify(k.applied('2024-01-02')), JSON.stringify(bad(6)), JSON.stringify(bad(7)), '[1]'].join('\n') + '\n';
    const db = await openDatabase(resolvePaths({ db: tmp.db }));
    try {
      const r = await importLines(db, Readable.from([Buffer.from(lines)]), { source: 'test' });
      expect(r).toMatchObject({ received: 4, accepted: 1, rejected: 3 });
      const { rows } = await runReport(db.conn, 'dead-letters', { on: '2030-01-01' }, { standards: loadStandards() });
      expect(rows).toEqual([
        { path: 'data.grant.daysPerWeek', rule: 'must be 1–5', lines: 2 },
        { path: 'line', rule: 'must be one JSON object per line, not an array', lines: 1 },
      ]);
      // As of a moment before the import nothing had been rejected.
      const before = await runReport(db.conn, 'dead-letters', { on: '2030-01-01', asOf: '2020-01-01T00:00:00Z' }, { standards: loadStandards() });
      expect(before.rows).toEqual([]);
    } finally {
      db.close();
    }
  });
});
