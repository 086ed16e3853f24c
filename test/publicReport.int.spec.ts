import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReport } from '../reports/catalogue.ts';
import { PUBLIC_REPORTS, publicReport } from '../reports/public.ts';
import { runReport, type Cell, type ReportResult } from '../reports/runner.ts';
import type { ReportParams } from '../reports/params.ts';
import { Sel104Error } from '../schemas/errors.ts';
import { loadStandards } from '../schemas/standard.ts';
import { cli, tempDir } from './helpers.ts';
import { caseOf, given, type Scenario } from './scenario.ts';
import { cells, leaks, type Facts } from './attacker.ts';
import { buildCouncil } from '../reports/council/build.ts';
import type { Shown } from '../reports/council/cells.ts';
import { councilPeriod, endOfYear } from '../reports/council/period.ts';
import { buildPublication, publishedReport } from '../reports/publication.ts';

/**
 * The public version of the reports (issue 6, diskretionering) over a small Lejre year in which
 * several counts are 1–4. Given the events below, when a report is published, then its small
 * counts show as `<5`, enough other counts as `.` that none of them can be worked out, and the
 * percentages that rest on them as `.`; case-level reports are refused. An attacker written here,
 * apart from the production code, tries to win them back from everything that is published.
 */

// Lejre 2024 (lejre-2021 in force: 12 weeks = 84 days). Applications received 2024-02-01 unless said.
const g = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => caseOf('350', `g${n}`));
const [r1, r2] = [caseOf('350', 'r1'), caseOf('350', 'r2')];
const w1 = caseOf('350', 'w1');
const [o1, o2, o3] = [caseOf('350', 'o1'), caseOf('350', 'o2'), caseOf('350', 'o3')];
/** Decided after 7, 14, 35 (×4) and 63 (×2) days, all within the deadline. */
const decidedOn = ['2024-02-08', '2024-02-15', '2024-03-07', '2024-03-07', '2024-03-07', '2024-03-07', '2024-04-04', '2024-04-04'];
const events = [
  // Granted: g1–g3 with public transport, g4–g8 without; g1 and g2 two days a week, the rest three.
  ...g.flatMap((c, i) => [
    c.applied('2024-02-01'),
    c.granted(decidedOn[i]!, { transport: i < 3 ? 'public' : 'none', daysPerWeek: i < 2 ? 2 : 3 }),
  ]),
  // Rejected after 126 days: after the deadline.
  r1.applied('2024-02-01'), r1.rejected('2024-06-06'),
  r2.applied('2024-02-01'), r2.rejected('2024-06-06'),
  w1.applied('2024-03-01'), w1.withdrawn('2024-03-10'),
  // Open on 2024-12-31: o1 and o2 60 days (under 75 % of 84), o3 120 days (overdue, notified).
  o1.applied('2024-11-01'), o2.applied('2024-11-01'),
  o3.applied('2024-09-02'), o3.notified('2024-11-20', '2025-01-31'),
  // Complaints about g1–g6, all maintained and forwarded after 10 days; g6's came 55 days after
  // its decision (late), the rest within 28 days.
  ...g.slice(0, 6).flatMap((c, i) => {
    const received = ['2024-02-20', '2024-02-26', '2024-03-20', '2024-03-20', '2024-03-20', '2024-05-01'][i]!;
    const later = (days: number) => new Date(Date.parse(received) + days * 86_400_000).toISOString().slice(0, 10);
    return [c.complaint(received, `k${i + 1}`), c.reassessed(later(5), `k${i + 1}`, 'maintained'), c.forwarded(later(10), `k${i + 1}`)];
  }),
];
const YEAR = { municipality: '350', from: '2024-01-01', to: '2024-12-31', on: '2024-12-31' } as const;

describe('publicReport (small-number suppression of the aggregate reports)', () => {
  const standards = loadStandards();
  let s: Scenario;
  const run = (name: string, params: ReportParams = YEAR): Promise<ReportResult> => runReport(s.db.conn, name, params, { standards });
  beforeAll(async () => {
    s = await given(events);
  });
  afterAll(() => s?.close());

  it('volume: 1 withdrawn and 2 rejected as <5, the grants as . (else 10 − 8 − 0 = 2), and the transport share as .', async () => {
    const full = await run('volume');
    expect(full.rows).toEqual([{
      municipality: '350', applications: 14, withdrawn: 1, decisions: 10, granted: 8, partlyGranted: 0, rejected: 2,
      grantsInEffect: 8, starts: 0, ends: 0, transportSharePct: 37.5,
    }]);
    const pub = publicReport(full);
    expect(pub.columns).toEqual(full.columns);
    // The share rests on the withheld grants, and would give back the 3 with transport anyway.
    expect(pub.rows).toEqual([{
      municipality: '350', applications: 14, withdrawn: '<5', decisions: 10, granted: '.', partlyGranted: 0, rejected: '<5',
      grantsInEffect: 8, starts: 0, ends: 0, transportSharePct: '.',
    }]);
    expect(pub.exposed).toEqual([]);
  });

  it('the threshold is configurable: with 10, every count from 1 to 9 is <10', async () => {
    expect(publicReport(await run('volume'), { threshold: 10 }).rows).toEqual([{
      municipality: '350', applications: 14, withdrawn: '<10', decisions: 10, granted: '<10', partlyGranted: 0, rejected: '<10',
      grantsInEffect: '<10', starts: 0, ends: 0, transportSharePct: '.',
    }]);
  });

  it('processing-time: 2 decided late (never shown) withhold the 8 within and the compliance; 1 overdue and 3 open are <5', async () => {
    const pub = publicReport(await run('processing-time'));
    const zero = { open: 0, atRisk: 0, overdue: 0, overdueWithoutNotice: 0 };
    expect(pub.rows).toEqual([
      { municipality: '350', standardVersion: 'lejre-old', deadlineWeeks: 20, decided: 0, withinDeadline: 0, compliancePct: null, medianDays: null, p90Days: null, ...zero },
      // days 7, 14, 35 ×4, 63 ×2, 126 ×2: median (rank 5) 35, p90 (rank 9) 126, resting on the 10 decided.
      { municipality: '350', standardVersion: 'lejre-2021', deadlineWeeks: 12, decided: 10, withinDeadline: '.', compliancePct: '.', medianDays: 35, p90Days: 126,
        open: '<5', atRisk: 0, overdue: '<5', overdueWithoutNotice: 0 },
    ]);
  });

  it('the processing-time curve and days per week by offer are refused: their small cells would withhold the year\'s decisions and grants in effect everywhere', async () => {
    for (const [name, why] of [['processing-time-curve', /weekly counts of decisions/], ['days-per-week-by-offer', /offer × days cells/]] as const) {
      const full = await run(name);
      expect(() => publicReport(full), name).toThrow(why);
    }
  });

  it('days-per-week: 2 grants of two days are <5, and the 6 of three days . (the grants in effect, 8, are in volume)', async () => {
    const pub = publicReport(await run('days-per-week'));
    expect(pub.rows.map((r) => r.grants)).toEqual([0, '<5', '.', 0, 0]);
  });

  it('with --by, each period is its own table: by quarter, Q1 has 2 and 4 grants (both <5), later quarters 2 and 6', async () => {
    const pub = publicReport(await run('days-per-week', { ...YEAR, by: 'quarter', from: '2024-01-01' }));
    const grantsIn = (period: string) => pub.rows.filter((r) => r.period === period).map((r) => r.grants);
    expect([...new Set(pub.rows.map((r) => r.period))]).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
    expect(grantsIn('2024-Q1')).toEqual([0, '<5', '<5', 0, 0]);
    for (const q of ['2024-Q2', '2024-Q3', '2024-Q4']) expect(grantsIn(q)).toEqual([0, '<5', '.', 0, 0]);
  });

  it('complaints: the share made in time (5 of 6) would give back the 1 late complaint, so it is withheld; 6 of 6 forwarded on time is shown', async () => {
    const pub = publicReport(await run('complaints'));
    expect(pub.rows).toEqual([{
      municipality: '350', decisions: 10, complaints: 6, caseHandlingComplaints: 0, timelyPct: '.', fullReversal: 0, partial: 0, maintained: 6,
      forwarded: 6, forwardedOnTimePct: 100, upheld: 0, changedOrAnnulled: 0, remitted: 0, dismissed: 0, reversalRatePct: null,
    }]);
  });

  it('an attacker with every public report of the year, and the sums that tie them, wins back no withheld or small count', async () => {
    const published = new Map<string, Cell>();
    const truth = new Map<string, number>();
    const facts: Facts = { sums: [], orders: [], shares: [] };
    const add = async (name: string, key: (r: Record<string, Cell>) => string) => {
      const full = await run(name);
      for (const [k, v] of cells(name, publicReport(full).rows, key)) published.set(k, v);
      for (const [k, v] of cells(name, full.rows, key)) if (typeof v === 'number') truth.set(k, v);
    };
    await add('volume', () => '350');
    await add('processing-time', (r) => String(r.standardVersion));
    await add('days-per-week', (r) => `d${String(r.daysPerWeek)}`);
    await add('complaints', () => '350');
    const hidden = (name: string, v: number) => (truth.set(name, v), name);

    // volume: decisions by outcome; the share of grants with transport (3 of 8).
    const v = (c: string) => `volume.350.${c}`;
    facts.sums.push([v('decisions'), [v('granted'), v('partlyGranted'), v('rejected')]]);
    facts.sums.push([hidden('grantsDecided', 8), [v('granted'), v('partlyGranted')]], ['grantsDecided', [hidden('withTransport', 3), hidden('withoutTransport', 5)]]);
    facts.shares.push({ pct: v('transportSharePct'), count: 'withTransport', of: 'grantsDecided' });
    // days-per-week adds up to volume's grants in effect.
    facts.sums.push([v('grantsInEffect'), [1, 2, 3, 4, 5].map((d) => `days-per-week.d${d}.grants`)]);
    // processing-time: within + late; open = on track + at risk + overdue; overdue = notified + not.
    const pt = (c: string) => `processing-time.lejre-2021.${c}`;
    facts.sums.push(
      [pt('decided'), [pt('withinDeadline'), hidden('late', 2)]],
      [pt('open'), [hidden('onTrack', 2), pt('atRisk'), pt('overdue')]],
      [pt('overdue'), [pt('overdueWithoutNotice'), hidden('notified', 1)]],
    );
    facts.shares.push({ pct: pt('compliancePct'), count: pt('withinDeadline'), of: pt('decided') });
    // complaints: reassessed or not; forwarded or not; made in time or not (5 and 1).
    const k = (c: string) => `complaints.350.${c}`;
    facts.sums.push(
      [k('complaints'), [k('fullReversal'), k('partial'), k('maintained'), hidden('notReassessed', 0)]],
      [k('complaints'), [k('forwarded'), hidden('notForwarded', 0)]],
      [k('complaints'), [hidden('timely', 5), hidden('untimely', 1)]],
    );
    facts.shares.push({ pct: k('timelyPct'), count: 'timely', of: k('complaints') });

    // The marks are true: `<5` only on 1–4, and every shown number is the report's.
    for (const [name, shown] of published) {
      if (shown === '<5') expect(truth.get(name), name).toBeGreaterThanOrEqual(1), expect(truth.get(name), name).toBeLessThanOrEqual(4);
      else if (typeof shown === 'number' && truth.has(name)) expect(shown, name).toBe(truth.get(name));
    }
    expect(leaks(published, truth, facts)).toEqual([]);

    // The attacker is not toothless: with the `.` cells shown (primary suppression only), it wins
    // back small counts by subtraction and from the shares.
    const primaryOnly = new Map([...published].map(([name, shown]) => [name, shown === '.' && truth.has(name) ? truth.get(name)! : shown]));
    expect(leaks(primaryOnly, truth, facts)).toEqual(expect.arrayContaining([
      'volume.350.rejected = 2', 'withTransport = 3', 'days-per-week.d2.grants = 2', 'late = 2', 'untimely = 1',
    ]));
  });

  describe("the year's publication: every public report and the council report as one system", () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const council = (seal: 'alone' | 'publication') => async (): Promise<Shown> => seal === 'alone'
      ? (await buildCouncil(s.db.conn, '350', councilPeriod(2024, endOfYear(2024), now), standards)).book.seal()
      : (await buildPublication(s.db.conn, 2024, { standards, now })).council.get('350')!.shown;
    const publicRows = (seal: 'alone' | 'publication') => async (name: string): Promise<Record<string, Cell>[]> => seal === 'alone'
      ? publicReport(await run(name)).rows
      : (await publishedReport(name, { municipality: '350', from: YEAR.from, to: YEAR.to }, (year) => buildPublication(s.db.conn, year, { standards, now }))).result.rows;
    // The council report's counts that the public reports show too, worked out by hand from its
    // tables: [council report cell, public report cell].
    const SAME: readonly [string, string][] = [
      ['grants-in-effect', 'volume.350.grantsInEffect'], ['grants-in-effect', 'follow-up.350.activeGrants'],
      ['decisions', 'volume.350.decisions'], ['decisions', 'complaints.350.decisions'],
      ['vol.applications', 'volume.350.applications'], ['vol.withdrawn', 'volume.350.withdrawn'], ['vol.rejected', 'volume.350.rejected'],
      ...[1, 2, 3, 4, 5].map((d): [string, string] => [`dpw.d${d}`, `days-per-week.d${d}.grants`]),
      ['cpl.complaints', 'complaints.350.complaints'], ['cpl.maintained', 'complaints.350.maintained'], ['cpl.forwarded', 'complaints.350.forwarded'],
      ['fu.overdue', 'follow-up.350.overdue'], ['fu.all.held', 'follow-up.350.held'],
    ];

    /** What a reader of both gets: the public reports' cells and the council report's (as `council.<id>`), the truth, and the sums that tie them. */
    async function read(seal: 'alone' | 'publication') {
      const published = new Map<string, Cell>();
      const truth = new Map<string, number>();
      const add = async (name: string, key: (r: Record<string, Cell>) => string) => {
        for (const [k, v] of cells(name, await publicRows(seal)(name), key)) published.set(k, v);
        for (const [k, v] of cells(name, (await run(name)).rows, key)) if (typeof v === 'number') truth.set(k, v);
      };
      await add('volume', () => '350');
      await add('days-per-week', (r) => `d${String(r.daysPerWeek)}`);
      await add('complaints', () => '350');
      await add('follow-up', () => '350');
      const shown = await council(seal)();
      const book = ['grants-in-effect', 'decisions', 'grants-decided', 'vol.applications', 'vol.withdrawn', 'vol.rejected', 'vol.transport', 'vol.no-transport',
        ...[1, 2, 3, 4, 5].map((d) => `dpw.d${d}`), 'vum.none', 'vum.0-2', 'vum.3', 'vum.4', 'cpl.complaints', 'cpl.maintained', 'cpl.forwarded', 'cpl.timely', 'cpl.untimely', 'fu.overdue', 'fu.all.held'];
      for (const id of book) {
        const text = shown.count(id);
        published.set(`council.${id}`, /^\d+$/.test(text) ? Number(text) : text);
        truth.set(`council.${id}`, shown.system.values.get(id)!);
      }
      const facts: Facts = { sums: [], orders: [], shares: [] };
      const c = (id: string) => `council.${id}`;
      const v = (col: string) => `volume.350.${col}`;
      facts.sums.push(
        ...SAME.map(([id, cell]): [string, string[]] => [c(id), [cell]]),
        // volume's table: decisions by outcome, grants by transport; the council report's grants in effect by days and by VUM group
        [v('decisions'), [v('granted'), v('partlyGranted'), v('rejected')]],
        [c('decisions'), [c('grants-decided'), c('vol.rejected')]],
        [c('grants-decided'), [v('granted'), v('partlyGranted')]],
        [c('grants-decided'), [c('vol.transport'), c('vol.no-transport')]],
        [c('grants-in-effect'), [1, 2, 3, 4, 5].map((d) => c(`dpw.d${d}`))],
        [c('grants-in-effect'), ['vum.none', 'vum.0-2', 'vum.3', 'vum.4'].map(c)],
        [c('cpl.complaints'), [c('cpl.forwarded'), 'complaints not forwarded']],
        // the council report's complaints made within the time limit, and not (5 and 1)
        [c('cpl.complaints'), [c('cpl.timely'), c('cpl.untimely')]],
        [c('grants-in-effect'), [c('fu.overdue'), 'grants not overdue']],
      );
      truth.set('complaints not forwarded', 0);
      truth.set('grants not overdue', truth.get(c('grants-in-effect'))! - truth.get(c('fu.overdue'))!);
      return { published, truth, facts };
    }

    it('shows every count the two print alike (each alone, the council report withheld the 6 complaints public complaints printed)', async () => {
      const { published } = await read('publication');
      for (const [id, cell] of SAME) expect(published.get(cell), `${id} / ${cell}`).toBe(published.get(`council.${id}`));
      // each suppressed alone, they disagreed: here the council report withheld what public volume printed
      const alone = (await read('alone')).published;
      expect(SAME.filter(([id, cell]) => alone.get(cell) !== alone.get(`council.${id}`)).map(([id, cell]) => `${id} ${String(alone.get(`council.${id}`))}, ${cell} ${String(alone.get(cell))}`))
        .toEqual(['cpl.complaints ., complaints.350.complaints 6', 'cpl.maintained ., complaints.350.maintained 6']);
    });

    it('an attacker with the council report and every public report of the year wins back nothing; with each suppressed alone, it did', async () => {
      const { published, truth, facts } = await read('publication');
      for (const [name, shown] of published) {
        if (shown === '<5') expect(truth.get(name), name).toBeGreaterThanOrEqual(1), expect(truth.get(name), name).toBeLessThanOrEqual(4);
        else if (typeof shown === 'number') expect(shown, name).toBe(truth.get(name));
      }
      expect(leaks(published, truth, facts)).toEqual([]);
      const alone = await read('alone');
      // the council report withheld the 6 complaints to protect the 1 made late (5 in time, `.`);
      // public complaints printed the 6, and with `.` read as 0 or at least 5, 6 = 5 + 1
      expect(leaks(alone.published, alone.truth, alone.facts)).toEqual(expect.arrayContaining(['council.cpl.untimely = 1 (reading . as 0 or ≥ 5)']));
    });

    it('a public report over several years has each year as its own publication shows it', async () => {
      const two = await publishedReport('volume', { municipality: '350', from: '2023-01-01', to: YEAR.to, by: 'year' }, (year) => buildPublication(s.db.conn, year, { standards, now }));
      expect(two.result.columns[0]).toBe('period');
      expect(two.result.rows.map((r) => r.period)).toEqual(['2023', '2024']);
      const { period: _, ...of2024 } = two.result.rows[1]!;
      expect(of2024).toEqual((await publicRows('publication')('volume'))[0]);
      // 2023 has no events: zeros, shown
      expect(two.result.rows[0]).toMatchObject({ applications: 0, decisions: 0, grantsInEffect: 0 });
    });
  });

  it('every aggregate report of the scenario can be published, by month too, and its marks are true', async () => {
    for (const [name, d] of Object.entries(PUBLIC_REPORTS)) {
      if (d.kind !== 'aggregate' || !findReport(name)) continue;
      for (const params of [YEAR, { ...YEAR, by: 'month' as const }]) {
        const full = await run(name, params);
        const pub = publicReport(full);
        expect(pub.rows).toHaveLength(full.rows.length);
        pub.rows.forEach((row, i) => {
          for (const c of d.counts) {
            const [shown, value] = [row[c], full.rows[i]![c]];
            if (shown === '<5') expect(value, `${name} ${c}`).toSatisfy((x: unknown) => typeof x === 'number' && x >= 1 && x <= 4);
            else if (shown !== '.') expect(shown, `${name} ${c}`).toBe(value);
          }
          for (const c of Object.keys(d.derived)) expect([full.rows[i]![c], '.'], `${name} ${c}`).toContain(row[c]);
        });
      }
    }
  });

  it('refuses case-level reports, naming the report and that it lists cases', async () => {
    for (const name of ['open-applications', 'absence-flags', 'eligibility-cases', 'data-quality', 'dead-letters']) {
      const full = await run(name, name === 'dead-letters' ? { on: YEAR.on } : YEAR);
      const refusal = (() => {
        try {
          publicReport(full);
        } catch (e) {
          return e;
        }
      })();
      expect(refusal, name).toBeInstanceOf(Sel104Error);
      expect((refusal as Sel104Error).code).toBe('SEL104_ERR_NOT_PUBLIC');
      expect((refusal as Error).message).toMatch(new RegExp(`^report "${name}" lists (cases|rejected input lines)`));
    }
  });

  it('refuses a report it has no declaration for, and one whose columns the declaration does not match', async () => {
    const volume = await run('volume');
    expect(() => publicReport({ ...volume, def: { ...volume.def, name: 'new-report' } })).toThrow(/^report "new-report" has no public version/);
    const widened = { ...volume, def: { ...volume.def, columns: { ...volume.def.columns, reopened: 'int' as const } } };
    expect(() => publicReport(widened)).toThrow(/public declaration of "volume" does not match its columns \(reopened\)/);
  });

  describe('sel104 report --public', () => {
    const tmp = tempDir('sel104-public-');
    beforeAll(() => {
      const file = join(tmp.dir, 'events.ndjson');
      writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      const r = cli(['import', file], { db: tmp.db });
      expect(r.status, r.stderr).toBe(0);
    });
    afterAll(() => tmp.cleanup());
    const year = ['--municipality', '350', '--from', YEAR.from, '--to', YEAR.to, '--on', YEAR.on];

    it('volume --public --format json prints the suppressed rows; csv too', () => {
      const json = cli(['report', 'volume', '--public', '--format', 'json', ...year], { db: tmp.db });
      expect(json.status, json.stderr).toBe(0);
      // As the year's publication shows it, with every public report and the council report:
      // 10 decisions = 8 granted + 0 + 2 rejected (<5) and 8 in effect = 2 of two days (<5) + 6 of
      // three each need a second count withheld; here the decisions and the grants in effect,
      // which more sums of the council report hold (the quarters, the VUM groups).
      expect(JSON.parse(json.stdout)).toEqual([{
        municipality: '350', applications: 14, withdrawn: '<5', decisions: '.', granted: 8, partlyGranted: 0, rejected: '<5',
        grantsInEffect: '.', starts: 0, ends: 0, transportSharePct: '.',
      }]);
      const csv = cli(['report', 'volume', '--public', '--threshold', '3', '--format', 'csv', ...year], { db: tmp.db });
      expect(csv.stdout.trimEnd().split('\n')).toEqual([
        'municipality,applications,withdrawn,decisions,granted,partlyGranted,rejected,grantsInEffect,starts,ends,transportSharePct',
        // (at another threshold than the council report's, the publication is the public reports alone)
        '350,14,<3,10,.,0,<3,.,0,0,.',
      ]);
      expect(csv.stderr).toMatch(/^sel104: note: at threshold 3 the year's public reports are suppressed without the council report \(threshold 5\); .*use one threshold for every output\n$/);
      expect(json.stderr).toBe('');
      // Without --public, the same command shows every count.
      expect(JSON.parse(cli(['report', 'volume', '--format', 'json', ...year], { db: tmp.db }).stdout)[0].rejected).toBe(2);
    });

    it('--offer keeps one offer\'s rows of a report with a row per offer, in JSON and Parquet; for another report it is one line, exit 2', async () => {
      // every grant of the scenario is at o-1 (the scenario's default offer): 8 in effect on the snapshot date
      const rows = (offer: string) => JSON.parse(cli(['report', 'days-per-week-by-offer', '--offer', offer, '--format', 'json', ...year], { db: tmp.db }).stdout) as { offerId: string; grants: number }[];
      const o1 = rows('o-1');
      expect(new Set(o1.map((r) => r.offerId))).toEqual(new Set(['o-1']));
      expect(o1.reduce((n, r) => n + r.grants, 0)).toBe(8);
      // an offer no event names is a typo, said (it gave [] and "wrote 0 rows", as if there were no data)
      const file = join(tmp.dir, 'o2.parquet');
      for (const format of [['--format', 'json'], ['--format', 'parquet', '--out', file]]) {
        const unknown = cli(['report', 'days-per-week-by-offer', '--offer', 'o-2', ...format, ...year], { db: tmp.db });
        expect(unknown.status, format[1]).toBe(2);
        expect(unknown.stderr, format[1]).toBe('sel104: --offer: no offer "o-2" is registered or named by any event [SEL104_ERR_BAD_PARAMETER]\n');
      }
      const other = cli(['report', 'volume', '--offer', 'o-1', '--format', 'json', ...year], { db: tmp.db });
      expect(other.status).toBe(2);
      expect(other.stderr).toMatch(/^sel104: --offer: volume has no row per offer; offer narrows days-per-week-by-offer, .*\[SEL104_ERR_BAD_PARAMETER\]\n$/);
    });

    it('the council report of the ended year prints its counts as the public reports do, and says its suppression is shared; as of another moment it is its own', () => {
      const json = (name: string) => JSON.parse(cli(['report', name, '--public', '--format', 'json', ...year], { db: tmp.db }).stdout)[0];
      const [volume, complaints] = [json('volume'), json('complaints')];
      const out = join(tmp.dir, 'council.html');
      const row = (doc: string, label: string) => doc.match(new RegExp(`<td>${label}</td><td class="num">([^<]*)</td>`))?.[1]?.replace('&lt;', '<');
      const inEffect = 'Bevillinger i kraft 31. december 2024';
      // the default as-of is the end of 2024, which has passed: the year's publication
      expect(cli(['council-report', '--municipality', '350', '--year', '2024', '--format', 'html', '--out', out], { db: tmp.db }).status).toBe(0);
      const joint = readFileSync(out, 'utf8');
      expect(joint).toContain('Udeladelserne er fælles med årets offentlige opgørelser');
      expect([row(joint, inEffect), row(joint, 'Klager over afgørelser'), row(joint, 'Afslag')]).toEqual([volume.grantsInEffect, complaints.complaints, volume.rejected].map(String));
      expect(volume.grantsInEffect).toBe('.');
      // one second earlier is another moment, suppressed alone: there the 8 in effect are printed (and 6 = 2 of two days + a `.`)
      expect(cli(['council-report', '--municipality', '350', '--year', '2024', '--as-of', '2024-12-31T23:59:59+01:00', '--format', 'html', '--out', out], { db: tmp.db }).status).toBe(0);
      const alone = readFileSync(out, 'utf8');
      expect(alone).toContain('diskretioneret for sig');
      expect(row(alone, inEffect)).toBe('8');
    });

    it('refuses a case-level report, parquet and a bad threshold in one line, exit 2', () => {
      for (const [args, message] of [
        [['open-applications', '--public'], /^sel104: report "open-applications" lists cases .*\[SEL104_ERR_NOT_PUBLIC\]$/],
        // (beside -by-level, an offer's four level cells shown <5 under its <5 pinned them all)
        [['days-per-week-by-offer-level', '--public'], /^sel104: report "days-per-week-by-offer-level" has no public version: its offer × level cells, .*\[SEL104_ERR_NOT_PUBLIC\]$/],
        [['volume', '--public', '--format', 'parquet', '--out', join(tmp.dir, 'v.parquet')], /^sel104: --public does not write parquet.*\[SEL104_ERR_USAGE\]$/],
        [['volume', '--public', '--threshold', '1'], /^sel104: --threshold: must be a whole number ≥ 2.*\[SEL104_ERR_USAGE\]$/],
        [['volume', '--threshold', '5'], /^sel104: --threshold goes with --public \[SEL104_ERR_USAGE\]$/],
        // (after year's --to: a half year, which with the year would give its other half's small counts away)
        [['volume', '--public', '--to', '2024-06-30'], /^sel104: --to: a public report covers whole calendar years that have ended .*\[SEL104_ERR_BAD_PARAMETER\]$/],
        [['volume', '--public', '--by', 'quarter'], /^sel104: --by: a public report covers whole calendar years that have ended .*\[SEL104_ERR_BAD_PARAMETER\]$/],
        [['absence', '--public', '--offer', 'o-1'], /^sel104: --offer: a public report has every offer's rows, suppressed together; .*\[SEL104_ERR_BAD_PARAMETER\]$/],
        // (two years summed, beside each year's own report, would give a year's small counts away)
        [['volume', '--public', '--from', '2023-01-01'], /^sel104: --by: a public report covers whole calendar years .*; 2023–2024 needs a row per year \(by year\).*\[SEL104_ERR_BAD_PARAMETER\]$/],
        [['processing-time-curve', '--public'], /^sel104: report "processing-time-curve" has no public version: its weekly counts of decisions, .*\[SEL104_ERR_NOT_PUBLIC\]$/],
      ] as const) {
        const given = args as readonly string[];
        // the year's options but those the case gives itself (each flag with its value)
        const rest = year.filter((v, i) => !given.includes(v.startsWith('--') ? v : year[i - 1]!));
        const r = cli(['report', ...given, ...(given.includes('--format') ? [] : ['--format', 'json']), ...rest], { db: tmp.db });
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr.trimEnd()).toMatch(message);
      }
    });
  });
});
