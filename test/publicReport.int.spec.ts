import { writeFileSync } from 'node:fs';
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

// ---------------------------------------------------------------------------------------------
// The attacker. It reads what is published: a number is known, `<5` is 1–4, `.` is any count
// (with readsMarkers: 0 or at least 5, since a small one would say `<5`); a count never shown is
// any count. It knows the sums below, worked out by hand from the reports' definitions, and
// that a shown percentage of a known denominator gives its count back. It subtracts, eliminates
// exactly over the rationals, and narrows bounds through the sums and orderings until nothing
// changes. A withheld or never-shown small count it pins is a leak.
// ---------------------------------------------------------------------------------------------

interface Facts {
  /** total = Σ parts */
  sums: [string, string[]][];
  /** less ≤ more (a cumulative column) */
  orders: [string, string][];
  /** A shown percentage of a denominator gives back its count. */
  shares: { pct: string; count: string; of: string }[];
}

type Fraction = readonly [bigint, bigint];
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const frac = (n: bigint, d = 1n): Fraction => {
  const k = gcd(n, d) || 1n;
  return d < 0n ? [-n / k, -d / k] : [n / k, d / k];
};
const minus = (a: Fraction, b: Fraction) => frac(a[0] * b[1] - b[0] * a[1], a[1] * b[1]);
const times = (a: Fraction, b: Fraction) => frac(a[0] * b[0], a[1] * b[1]);
const over = (a: Fraction, b: Fraction) => frac(a[0] * b[1], a[1] * b[0]);

function attack(published: ReadonlyMap<string, Cell>, facts: Facts, { readsMarkers }: { readsMarkers: boolean }): Map<string, number> {
  const known = new Map<string, number>();
  const lo = new Map<string, number>(), hi = new Map<string, number>(), gap = new Set<string>();
  const names = new Set([...published.keys(), ...facts.sums.flat(2), ...facts.orders.flat(), ...facts.shares.flatMap((s) => [s.count, s.of])]);
  for (const name of names) {
    const text = published.get(name);
    if (typeof text === 'number') known.set(name, text);
    else if (text === '<5') lo.set(name, 1), hi.set(name, 4);
    else {
      lo.set(name, 0), hi.set(name, Infinity);
      if (text === '.' && readsMarkers) gap.add(name);
    }
  }
  const fix = (name: string, v: number): boolean => {
    if (known.has(name)) return false;
    expect(Number.isInteger(v) && v >= lo.get(name)! && v <= hi.get(name)!, `${name} = ${v}`).toBe(true);
    known.set(name, v);
    return true;
  };
  const bound = (name: string, l: number, h: number): boolean => {
    if (known.has(name)) return false;
    let newLo = Math.max(lo.get(name)!, Math.ceil(l)), newHi = Math.min(hi.get(name)!, Math.floor(h));
    if (gap.has(name) && newLo >= 1 && newLo <= 4) newLo = 5;
    if (gap.has(name) && newHi <= 4) newHi = 0;
    if (newLo === lo.get(name) && newHi === hi.get(name)) return false;
    lo.set(name, newLo), hi.set(name, newHi);
    if (newLo === newHi) fix(name, newLo);
    return true;
  };
  const range = (name: string): [number, number] => (known.has(name) ? [known.get(name)!, known.get(name)!] : [lo.get(name)!, hi.get(name)!]);

  for (let progress = true; progress; ) {
    progress = false;
    for (const { pct, count, of } of facts.shares) {
      const p = published.get(pct);
      if (typeof p === 'number' && known.has(of)) progress = fix(count, Math.round((p * known.get(of)!) / 100)) || progress;
    }
    // Exact elimination: a row left with one unknown gives it.
    const unknown = [...new Set(facts.sums.flat(2))].filter((n) => !known.has(n));
    const col = new Map(unknown.map((n, j) => [n, j]));
    const rows = facts.sums.map(([total, parts]) => {
      const row: Fraction[] = Array.from({ length: unknown.length + 1 }, () => frac(0n));
      for (const [name, sign] of [[total, 1n], ...parts.map((p) => [p, -1n] as const)] as const) {
        const j = col.get(name);
        if (j === undefined) row[unknown.length] = minus(row[unknown.length]!, frac(sign * BigInt(known.get(name)!)));
        else row[j] = frac(row[j]![0] + sign * row[j]![1], row[j]![1]);
      }
      return row;
    });
    let rank = 0;
    for (let j = 0; j < unknown.length; j++) {
      const p = rows.findIndex((r, k) => k >= rank && r[j]![0] !== 0n);
      if (p < 0) continue;
      [rows[rank], rows[p]] = [rows[p]!, rows[rank]!];
      const pivot = rows[rank]!.map((x) => over(x, rows[rank]![j]!));
      rows[rank] = pivot;
      rows.forEach((r, k) => {
        if (k !== rank && r[j]![0] !== 0n) rows[k] = r.map((x, m) => minus(x, times(r[j]!, pivot[m]!)));
      });
      rank++;
    }
    for (const r of rows.slice(0, rank)) {
      const left = r.slice(0, unknown.length).flatMap((x, j) => (x[0] === 0n ? [] : [j]));
      if (left.length !== 1) continue;
      const v = over(r[unknown.length]!, r[left[0]!]!);
      progress = fix(unknown[left[0]!]!, Number(v[0]) / Number(v[1])) || progress;
    }
    // Bounds through the sums and the orderings.
    for (const [total, parts] of facts.sums) {
      const [tLo, tHi] = range(total);
      // Sums of the other parts' bounds, term by term: an infinite bound is never subtracted.
      const others = (k: number, end: 0 | 1) => parts.reduce((s, p, j) => (j === k ? s : s + range(p)[end]), 0);
      progress = bound(total, others(-1, 0), others(-1, 1)) || progress;
      parts.forEach((p, k) => {
        progress = bound(p, tLo - others(k, 1), tHi - others(k, 0)) || progress;
      });
    }
    for (const [less, more] of facts.orders) {
      progress = bound(less, 0, range(more)[1]) || progress;
      progress = bound(more, range(less)[0], Infinity) || progress;
    }
  }
  return new Map([...known].filter(([name]) => typeof published.get(name) !== 'number'));
}

/** What the attacker must not pin: every withheld count, and every small count never shown. */
function leaks(published: ReadonlyMap<string, Cell>, truth: ReadonlyMap<string, number>, facts: Facts): string[] {
  const out: string[] = [];
  for (const readsMarkers of [false, true]) {
    for (const [name, v] of attack(published, facts, { readsMarkers })) {
      expect(v, name).toBe(truth.get(name));
      const shown = published.get(name);
      if (shown === '<5' || shown === '.' || (shown === undefined && v >= 1 && v <= 4)) out.push(`${name} = ${v}${readsMarkers ? ' (reading . as 0 or ≥ 5)' : ''}`);
    }
  }
  return out;
}

/** The cells of rows as `prefix.key.column` (key: the row's labels). */
function cells(prefix: string, rows: readonly Record<string, Cell>[], key: (r: Record<string, Cell>) => string): Map<string, Cell> {
  return new Map(rows.flatMap((r) => Object.entries(r).map(([c, v]) => [`${prefix}.${key(r)}.${c}`, v] as const)));
}

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

  it('processing-time-curve: the weeks where 1–4 were decided are withheld, and the rows next to them, not the rest', async () => {
    const pub = publicReport(await run('processing-time-curve'));
    expect(pub.rows).toHaveLength(52);
    expect(new Set(pub.rows.map((r) => r.decided))).toEqual(new Set([10]));
    // Within 1, 2, 5, 9 and 18 weeks: 1, 2, 6, 8, 10. Weeks 1–4 hold 1 or 2 (<5); the 2 decided in
    // week 9 and the 2 in week 18 each withhold the week before (6 of week 8, 8 of week 17).
    const within = (w: number) => pub.rows[w - 1]!.decidedWithin;
    const share = (w: number) => pub.rows[w - 1]!.sharePct;
    expect([1, 2, 3, 4].map(within)).toEqual(['<5', '<5', '<5', '<5']);
    expect([5, 6, 7, 8, 9, 16, 17, 18, 52].map(within)).toEqual([6, 6, 6, '.', 8, 8, '.', 10, 10]);
    expect([1, 4, 5, 8, 9, 17, 18].map(share)).toEqual(['.', '.', 60, '.', 80, '.', 100]);
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
    await add('processing-time-curve', (r) => `w${String(r.weeks)}`);
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
    // The curve: never falls, and ends at most at decided; each share gives its count back.
    const cw = (w: number) => `processing-time-curve.w${w}.decidedWithin`;
    for (let w = 2; w <= 52; w++) facts.orders.push([cw(w - 1), cw(w)]);
    facts.orders.push([cw(52), 'processing-time-curve.w1.decided']);
    for (let w = 1; w <= 52; w++) facts.shares.push({ pct: `processing-time-curve.w${w}.sharePct`, count: cw(w), of: 'processing-time-curve.w1.decided' });
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
    // back small counts by subtraction, from the shares, and from the curve's order.
    const primaryOnly = new Map([...published].map(([name, shown]) => [name, shown === '.' && truth.has(name) ? truth.get(name)! : shown]));
    expect(leaks(primaryOnly, truth, facts)).toEqual(expect.arrayContaining([
      'volume.350.rejected = 2', 'withTransport = 3', 'days-per-week.d2.grants = 2', 'late = 2', 'untimely = 1', 'processing-time-curve.w2.decidedWithin = 2',
    ]));
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
      expect(JSON.parse(json.stdout)).toEqual([{
        municipality: '350', applications: 14, withdrawn: '<5', decisions: 10, granted: '.', partlyGranted: 0, rejected: '<5',
        grantsInEffect: 8, starts: 0, ends: 0, transportSharePct: '.',
      }]);
      const csv = cli(['report', 'volume', '--public', '--threshold', '3', '--format', 'csv', ...year], { db: tmp.db });
      expect(csv.stdout.trimEnd().split('\n')).toEqual([
        'municipality,applications,withdrawn,decisions,granted,partlyGranted,rejected,grantsInEffect,starts,ends,transportSharePct',
        '350,14,<3,10,.,0,<3,8,0,0,.',
      ]);
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

    it('refuses a case-level report, parquet and a bad threshold in one line, exit 2', () => {
      for (const [args, message] of [
        [['open-applications', '--public'], /^sel104: report "open-applications" lists cases .*\[SEL104_ERR_NOT_PUBLIC\]$/],
        // (with -by-offer beside it, an offer's four level cells shown <5 under its <5 pinned them all)
        [['days-per-week-by-offer-level', '--public'], /^sel104: report "days-per-week-by-offer-level" has no public version: its offer × level cells, .*\[SEL104_ERR_NOT_PUBLIC\]$/],
        [['volume', '--public', '--format', 'parquet', '--out', join(tmp.dir, 'v.parquet')], /^sel104: --public does not write parquet.*\[SEL104_ERR_USAGE\]$/],
        [['volume', '--public', '--threshold', '1'], /^sel104: --threshold: must be a whole number ≥ 2.*\[SEL104_ERR_USAGE\]$/],
        [['volume', '--threshold', '5'], /^sel104: --threshold goes with --public \[SEL104_ERR_USAGE\]$/],
        // (after year's --to: a half year, which with the year would give its other half's small counts away)
        [['volume', '--public', '--to', '2024-06-30'], /^sel104: --to: a public report covers whole calendar years that have ended .*\[SEL104_ERR_BAD_PARAMETER\]$/],
        [['volume', '--public', '--by', 'quarter'], /^sel104: --by: a public report covers whole calendar years that have ended .*\[SEL104_ERR_BAD_PARAMETER\]$/],
        [['days-per-week-by-offer', '--public', '--offer', 'o-1'], /^sel104: --offer: a public report has every offer's rows, suppressed together; .*\[SEL104_ERR_BAD_PARAMETER\]$/],
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
