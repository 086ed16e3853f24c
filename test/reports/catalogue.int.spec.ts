import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTS, rowSchema } from '../../reports/catalogue.ts';
import { runReport, type Row } from '../../reports/runner.ts';
import { loadStandards, SHIPPED_STANDARDS_DIR } from '../../schemas/standard.ts';
import { cli, tempDir, withDb } from '../helpers.ts';
import { caseOf, given } from '../scenario.ts';

const ON = '2024-06-30';
const standards = loadStandards();

/** Every report on simulated data, imported in order and in reverse order. */
describe('the whole catalogue on simulated data', () => {
  const tmp = tempDir('sel104-catalogue-');
  const forward = join(tmp.dir, 'forward.duckdb');
  const reversed = join(tmp.dir, 'reversed.duckdb');
  const events = join(tmp.dir, 'ev.ndjson');
  const eventsReversed = join(tmp.dir, 'ev-reversed.ndjson');

  beforeAll(() => {
    expect(cli(['simulate', '--seed', '3', '--scale', '0.5', '--from', '2021-01-01', '--to', '2024-12-31', '--out', events]).status).toBe(0);
    const lines = readFileSync(events, 'utf8').trimEnd().split('\n');
    writeFileSync(eventsReversed, lines.reverse().join('\n') + '\n');
    for (const [file, db] of [[events, forward], [eventsReversed, reversed]] as const) {
      const r = cli(['import', file, '--json'], { db });
      expect(r.status, r.stderr).toBe(0);
    }
  }, 120_000);
  afterAll(() => tmp.cleanup());

  const runAll = (db: string, params: Record<string, string>) =>
    withDb(db, async ({ conn }) => {
      const out: Record<string, Row[]> = {};
      // standard-evidence compares versions over one period: it takes no --by
      for (const r of REPORTS) {
        if (params.by && r.name === 'standard-evidence') continue;
        out[r.name] = (await runReport(conn, r.name, { on: ON, ...params }, { standards })).rows;
      }
      return out;
    });

  it('every report gives non-empty rows that match its declared row type', async () => {
    const all = await runAll(forward, {});
    for (const def of REPORTS) {
      // The simulator's lines are all valid, so only the dead-letter report is empty here.
      if (def.name === 'dead-letters') expect(all[def.name]).toEqual([]);
      else expect(all[def.name]!.length, def.name).toBeGreaterThan(0);
      for (const row of all[def.name]!) rowSchema(def).parse(row);
    }
    // Plausibility on the simulated municipalities (README: 40–70 active cases in Lejre, 200–300 in Roskilde, at scale 1).
    const inEffect = Object.fromEntries(all.volume!.map((r) => [r.municipality, r.grantsInEffect as number]));
    expect(inEffect['350']).toBeGreaterThan(10);
    expect(inEffect['265']!).toBeGreaterThan(inEffect['350']!);
    expect(all['migrations-82a']!.map((r) => r.offerId)).toEqual(['265-o-mondayknights']);
  });

  it('gives identical rows when the same events arrive in reverse order', async () => {
    expect(await runAll(reversed, {})).toEqual(await runAll(forward, {}));
  });

  it('gives identical rows in reverse order by quarter, with a period and an as-of', async () => {
    const params = { by: 'quarter', from: '2022-01-01', to: '2023-12-31', asOf: '2024-03-01T00:00:00+01:00' };
    const f = await runAll(forward, params);
    expect(await runAll(reversed, params)).toEqual(f);
    const periods = new Set(f['processing-time']!.map((r) => r.period));
    expect([...periods]).toEqual(['2022-Q1', '2022-Q2', '2022-Q3', '2022-Q4', '2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4']);
  });

  it('the CLI prints the same rows as JSON, and as CSV, Danish Excel CSV, Parquet and Arrow', async () => {
    const args = ['report', 'complaints', '--on', ON, '--by', 'year'];
    const json = cli([...args, '--format', 'json'], { db: forward });
    expect(json.status, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as Row[];
    const expected = await withDb(forward, async ({ conn }) => (await runReport(conn, 'complaints', { on: ON, by: 'year' }, { standards })).rows);
    expect(rows).toEqual(expected);
    const columns = Object.keys(rows[0]!);
    expect(columns.slice(0, 3)).toEqual(['period', 'municipality', 'decisions']);

    const csv = cli([...args, '--format', 'csv'], { db: forward }).stdout.trimEnd().split('\n');
    expect(csv[0]).toBe(columns.join(','));
    const pct = (v: unknown) => (v === null ? '' : (v as number).toFixed(1));
    expect(csv[1]).toBe(columns.map((c) => (c.endsWith('Pct') ? pct(rows[0]![c]) : String(rows[0]![c]))).join(','));

    const excel = cli([...args, '--format', 'excel-csv'], { db: forward }).stdout;
    expect(excel.startsWith('\uFEFF')).toBe(true);
    const excelLines = excel.slice(1).split('\r\n');
    expect(excelLines[0]).toBe(columns.join(';'));
    expect(excelLines[1]).toBe(columns.map((c) => (c.endsWith('Pct') ? pct(rows[0]![c]).replace('.', ',') : String(rows[0]![c]))).join(';'));

    const parquet = join(tmp.dir, 'complaints.parquet');
    expect(cli([...args, '--format', 'parquet', '--out', parquet], { db: forward }).status).toBe(0);
    const fromParquet = await withDb(join(tmp.dir, 'scratch.duckdb'), async ({ conn }) =>
      (await conn.runAndReadAll(`SELECT * FROM read_parquet('${parquet}')`)).getRowObjectsJson());
    expect(fromParquet.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && k !== 'municipality' && k !== 'period' ? Number(v) : v]))))
      .toEqual(rows);

    const arrow = join(tmp.dir, 'complaints.arrow');
    expect(cli([...args, '--format', 'arrow', '--out', arrow], { db: forward }).status).toBe(0);
    const table = tableFromIPC(readFileSync(arrow));
    expect(table.schema.fields.map((f) => f.name)).toEqual(columns);
    expect(table.toArray().map((r) => r.toJSON())).toEqual(rows);
  });

  it('refuses bad requests with one line naming the field and the rule, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['report', 'nonsense'], /unknown report "nonsense".*\[SEL104_ERR_UNKNOWN_REPORT\]/],
      [['report', 'volume', '--from', '2024-02-30'], /sel104: --from: must be a real calendar date \[SEL104_ERR_BAD_PARAMETER\]/],
      [['report', 'volume', '--from', '2024-05-01', '--to', '2024-04-01'], /--from: must not be after to \(2024-04-01\)/],
      [['report', 'volume', '--as-of', '2024-05-01'], /sel104: --as-of: must be an ISO 8601 timestamp with offset/],
      [['report', 'volume', '--by', 'week'], /by: must be month, quarter or year/],
      [['report', 'volume', '--municipality', '101'], /municipality: no quality standard for 101/],
      [['report', 'volume', '--format', 'parquet'], /--format parquet needs --out FILE/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, { db: forward });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('rule values come from the standards, not the code', () => {
  // Given a Lejre application received 2022-02-01 and decided 2022-04-19: Feb 1 → Mar 1 = 28 days,
  // Mar 1 → Apr 1 = 31, Apr 1 → Apr 19 = 18; 28 + 31 + 18 = 77 days = 11 weeks.
  // With the shipped lejre-2021 (12 weeks = 84 days) it is within; with a standard edited to 10 weeks (70 days) it is not.
  const c = caseOf('350', 'c-1');
  const events = [c.applied('2022-02-01'), c.granted('2022-04-19')];
  const tmp = tempDir('sel104-standards-');
  afterAll(() => tmp.cleanup());

  it('a deadline edited in standards/*.json changes the compliance', async () => {
    cpSync(SHIPPED_STANDARDS_DIR, tmp.dir, { recursive: true });
    const file = join(tmp.dir, '350.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"processingDeadlineWeeks": 12', '"processingDeadlineWeeks": 10'));
    const edited = loadStandards(tmp.dir);
    for (const [set, weeks, within] of [[standards, 12, 1], [edited, 10, 0]] as const) {
      const s = await given(events, { standards: set });
      try {
        const [row] = (await s.report('processing-time', { municipality: '350', on: '2022-06-30' })).filter((r) => r.standardVersion === 'lejre-2021');
        expect(row).toMatchObject({ deadlineWeeks: weeks, decided: 1, withinDeadline: within, compliancePct: within * 100, medianDays: 77 });
      } finally {
        s.close();
      }
    }
  });
});
