import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate, formatInt, formatPct } from '../reports/council/danish.ts';
import { barSpec, renderSvg } from '../reports/council/figures.ts';
import { councilPeriod } from '../reports/council/period.ts';
import { chromiumOrSkip } from './browser.ts';
import { BIN, ROOT, cli, tempDir } from './helpers.ts';
import { caseOf, legalBasisChanged, offer, type ScenarioEvent } from './scenario.ts';

/**
 * sel104 council-report (issue 6): Lejre (350), 2024, lejre-2021 in force (12 weeks, VUM 3–4,
 * action plan required). Some counts are planted small (1–4) and must print as "<5", with a
 * second count of the same sum withheld ("."), so the small one cannot be subtracted out:
 *   rejected 3            (decisions 13 = grants 10 + rejected 3)
 *   decided late 2        (decided 13 = within 11 + late 2)
 *   grants on 2 days 2    (grants in effect 10 = 8 on 3 days + 2 on 2 days)
 *   complaints 2
 *   continued under §82a 4 (cohort 6 = continued 4 + ended 2)
 * and some are not: 13 applications, 60 planned attendance days.
 */
const M = '350';
const AS_OF = '2024-12-31T23:59:59+01:00';

function scenario(): ScenarioEvent[] {
  const events: ScenarioEvent[] = [
    offer(M, '2023-01-02', 'o-nord'),
    offer(M, '2023-01-02', 'o-cafe'),
    offer(M, '2023-01-02', 'o-klub'),
  ];
  // g-1 … g-8: received 2024-02-05, granted 2024-03-04 (28 days, within 12 weeks), 3 days a week.
  for (let i = 1; i <= 8; i++) {
    const c = caseOf(M, `g-${i}`);
    events.push(
      c.applied('2024-02-05'), c.assessed('2024-02-20', 3),
      c.granted('2024-03-04', { offerId: 'o-nord', daysPerWeek: 3, transport: 'public', startDate: '2024-03-11' }),
      c.actionPlan('2024-03-08'), c.started('2024-03-11', 'o-nord'),
    );
  }
  // g-9, g-10: received 2024-01-08, granted 2024-04-22 (105 days > 84: late), 2 days a week, no
  // assessment and no action plan.
  for (const i of [9, 10]) {
    const c = caseOf(M, `g-${i}`);
    events.push(
      c.applied('2024-01-08'),
      c.granted('2024-04-22', { offerId: 'o-cafe', daysPerWeek: 2, startDate: '2024-05-06' }),
      c.started('2024-05-06', 'o-cafe'),
    );
  }
  // r-1 … r-3: rejected within the deadline; r-1 and r-2 complain.
  for (const i of [1, 2, 3]) {
    const c = caseOf(M, `r-${i}`);
    events.push(c.applied('2024-05-06'), c.assessed('2024-05-20', 1), c.rejected('2024-06-03'));
  }
  const r1 = caseOf(M, 'r-1'), r2 = caseOf(M, 'r-2');
  events.push(
    r1.complaint('2024-06-10', 'k-1'), r1.reassessed('2024-06-14', 'k-1', 'maintained'), r1.forwarded('2024-06-20', 'k-1'),
    r1.appealDecided('2024-10-01', 'k-1', 'upheld'),
    r2.complaint('2024-06-12', 'k-2'), r2.reassessed('2024-06-20', 'k-2', 'full_reversal'),
  );
  // Attendance at o-nord, 10 planned days for each of g-1 … g-6 in the 56 days up to 31 December:
  // g-1 cancels 4 of them (40 %: flagged), everyone else attends.
  const days = ['11-11', '11-13', '11-18', '11-20', '11-25', '11-27', '12-02', '12-04', '12-09', '12-11'];
  for (let i = 1; i <= 6; i++) {
    const c = caseOf(M, `g-${i}`);
    days.forEach((d, k) => events.push(c.attendance(`2024-${d}`, i === 1 && k < 4 ? 'cancelled' : 'attended', 'o-nord')));
    events.push(c.followUp('2024-10-15'));
  }
  // o-klub moves to §82a on 2024-09-01: six citizens in it the day before; m-1 … m-4 continue
  // under §82a (new cases, no decision), m-5 and m-6 stop.
  events.push(legalBasisChanged(M, '2024-09-01', 'o-klub', 'SEL82a'));
  for (let i = 1; i <= 6; i++) {
    const c = caseOf(M, `m-${i}`, `p-m${i}`);
    events.push(
      c.applied('2023-01-09'), c.assessed('2023-01-20', 3),
      c.granted('2023-02-06', { offerId: 'o-klub', startDate: '2023-02-13' }), c.actionPlan('2023-02-10'),
      c.started('2023-02-13', 'o-klub'), c.followUp('2024-02-01'), c.ended('2024-08-31', 'o-klub', 'legal_basis_changed'),
    );
    if (i <= 4) events.push(caseOf(M, `m-${i}b`, `p-m${i}`).started('2024-09-02', 'o-klub', 'SEL82a', true));
  }
  return events;
}

/** What a table cell can hold: a count, a percentage, a mark, a deadline. */
const CELL = /^(<5|\.|–|\d[\d.]*(,\d)?( %)?|\d+ uger|Ingen|gælder ikke)$/;

/** The cells of the table rows labelled `label` in `pdftotext -layout` output: the label, then each column. */
function rows(text: string, label: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/))
    .filter((cells) => cells[0] === label && cells.length >= 2 && CELL.test(cells[1]!));
}

/** The one table row labelled `label`. */
function row(text: string, label: string): string[] {
  const found = rows(text, label);
  expect(found, `one table row "${label}"`).toHaveLength(1);
  return found[0]!;
}

/** The real CLI, asynchronously, so that independent runs overlap. */
function cliAsync(args: string[], db: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, SEL104_DB: db } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const tool = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
};

describe('council-report: the period, Danish formats and charts', () => {
  it('reads the year as of its end in Copenhagen once that has passed, else as of now', () => {
    expect(councilPeriod(2024, undefined, new Date('2025-03-01T10:00:00Z')))
      .toEqual({ year: 2024, asOf: '2024-12-31T23:59:59.999999+01:00', from: '2024-01-01', to: '2024-12-31', complete: true });
    // Summer time: +02:00; the period and the snapshot end on the as-of day.
    expect(councilPeriod(2025, undefined, new Date('2025-07-01T10:00:00Z')))
      .toEqual({ year: 2025, asOf: '2025-07-01T12:00:00+02:00', from: '2025-01-01', to: '2025-07-01', complete: false });
    expect(councilPeriod(2024, '2024-06-30T23:30:00Z').to).toBe('2024-07-01'); // 01:30 in Copenhagen
    expect(() => councilPeriod(2024, '2023-12-31T12:00:00+01:00')).toThrow(/before 2024 begins/);
  });

  it('writes numbers with a thousands dot and a decimal comma, and dates in Danish', () => {
    expect([formatInt(1234567), formatInt(42), formatPct(81.25), formatPct(100), formatDate('2024-12-31'), formatDate('2025-03-01')])
      .toEqual(['1.234.567', '42', '81,3\u00a0%', '100,0\u00a0%', '31. december 2024', '1. marts 2025']);
  });

  it('renders a chart to the same SVG every time, with ids of its own and Danish axis numbers', async () => {
    // A clipped mark makes Vega emit a clip path, numbered by a counter that lives as long as the process.
    const spec = { ...barSpec([{ label: 'a', value: 1500 }, { label: 'b', value: 2500 }], { title: 'Antal' }), layer: undefined,
      mark: { type: 'bar', clip: true }, encoding: { x: { field: 'label', type: 'nominal' }, y: { field: 'value', type: 'quantitative', axis: { format: ',d' } } } } as unknown as TopLevelSpec;
    const [a, b] = [await renderSvg('fig-x', spec, 'x'), await renderSvg('fig-x', spec, 'x')];
    expect(a).toBe(b);
    expect(a).toMatch(/^<svg role="img" aria-label="x"/);
    expect([...a.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])).toEqual(['fig-x-1']);
    expect(a).toContain('url(#fig-x-1)');
    expect(a).toContain('>2.500<'); // an axis label, with the thousands dot
  });

  it('writes the longest category of a horizontal bar chart whole (it was cut to "Ankestyrelsen: afvist eller hen…")', async () => {
    const labels = ['Klager over afgørelser', 'Ankestyrelsen: afvist eller henvist', 'Ankestyrelsen: ændret eller ophævet'];
    const svg = await renderSvg('fig-y', barSpec(labels.map((label, i) => ({ label, value: i + 1 })), { title: 'Antal', horizontal: true }), 'y');
    for (const label of labels) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('…');
  });
});

describe('council-report: the A4 report to the municipal council', () => {
  const browser = chromiumOrSkip();
  const t = tempDir('sel104-council-');
  const html = (name: string) => join(t.dir, name);

  beforeAll(() => {
    const file = join(t.dir, 'events.ndjson');
    writeFileSync(file, scenario().map((e) => JSON.stringify(e)).join('\n') + '\n');
    const r = cli(['import', file, '--json'], { db: t.db });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rejected).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('gives byte-identical, self-contained HTML for the same data and --as-of', () => {
    for (const out of ['a.html', 'b.html']) {
      const r = cli(['council-report', '--municipality', M, '--year', '2024', '--as-of', AS_OF, '--format', 'html', '--out', html(out)], { db: t.db });
      expect(r.status, r.stderr).toBe(0);
    }
    const a = readFileSync(html('a.html'));
    expect(a.equals(readFileSync(html('b.html')))).toBe(true);
    const doc = a.toString('utf8');
    expect(doc).toContain('@page { size: A4');
    expect(doc).toMatch(/figure \{[^}]*break-inside: avoid/);
    expect(doc).toMatch(/\.table-block \{[^}]*break-inside: avoid/);
    // No request leaves the page: no scripts, links or sources, and url() only to ids in the page.
    expect(doc).not.toMatch(/<script|<link|<img|\ssrc=|url\((?!#)/);
    expect(doc).toContain(`<code>${AS_OF}</code>`);
    expect(doc).toMatch(/sha256:[0-9a-f]{64}/);
    // events from a case system (no simulator source): no demo notice
    expect(doc).not.toContain('Demodata');
  });

  it('reports a year without events as zeros (it failed: "suppression: unknown cell abs.all.attended")', () => {
    const out = html('empty.html');
    const r = cli(['council-report', '--municipality', M, '--year', '2019', '--as-of', '2019-12-31T23:59:59+01:00', '--format', 'html', '--out', out], { db: t.db });
    expect(r.status, r.stderr).toBe(0);
    const doc = readFileSync(out, 'utf8');
    expect(doc).toContain('I 2019 blev der modtaget 0 ansøgninger');
    expect(doc).toContain('0 hændelser for');
    // of no complaints, none in time and none late: 0, and no share ("." said "withheld to protect small numbers")
    const cells = (label: string) => [...(doc.match(new RegExp(`<td>${label}</td>((?:<td[^>]*>[^<]*</td>)+)`))?.[1] ?? '').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    for (const label of ['klaget inden for 28 dage', 'klaget senere', 'sendt til Ankestyrelsen inden for 28 dage', 'sendt senere eller ikke sendt']) {
      expect(cells(label), label).toEqual(['0', '–']);
    }
  });

  it('says on its front page when the events are the simulator\'s (the demo)', () => {
    const sim = tempDir('sel104-council-sim-');
    try {
      const events = join(sim.dir, 'sim.ndjson');
      expect(cli(['simulate', '--seed', '3', '--scale', '0.1', '--from', '2024-01-01', '--to', '2024-12-31', '--out', events]).status).toBe(0);
      expect(cli(['import', events, '--json'], { db: sim.db }).status).toBe(0);
      const out = join(sim.dir, 'r.html');
      const r = cli(['council-report', '--municipality', M, '--year', '2024', '--as-of', AS_OF, '--format', 'html', '--out', out], { db: sim.db });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('<p class="simulated" role="note"><strong>Demodata:</strong> hændelserne bag rapporten er simulerede');
    } finally {
      sim.cleanup();
    }
  }, 60_000);

  it.skipIf(!browser.available)('prints the sections, shows small counts as <5 and withholds a second count of each sum', () => {
    const pdf = join(t.dir, 'r.pdf');
    const r = cli(['council-report', '--municipality', M, '--year', '2024', '--as-of', AS_OF, '--out', pdf], { db: t.db });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    // (no-break spaces, as in "§ 104" and "81,3 %", read as spaces)
    const text = tool('pdftotext', ['-layout', pdf, '-']).replace(/\u00a0/g, ' ');

    // Page 1 as a PNG for a person to look at (test-artifacts/ is .gitignored).
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    const png = join(ROOT, 'test-artifacts', 'council-report-page1');
    tool('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, png]);
    expect(readFileSync(`${png}.png`).subarray(1, 4).toString()).toBe('PNG');

    for (const heading of ['Datagrundlag', '1. Målgruppe og omfang', '2. Sagsbehandlingstid', '3. Dage om ugen', '4. Fremmøde og fravær', '5. Opfølgning',
      '6. Klager og Ankestyrelsens afgørelser', '7. Overgang fra § 104 til § 82a', '8. Regelundtagelser']) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/Side 1 af \d+/);
    expect(text).toContain('31. december 2024 kl. 23.59.59');
    expect(text).toContain('sagsbehandlingsfrist 12 uger');
    expect(text).toContain('<5: færre end 5. .: udeladt for at beskytte små tal');

    // Counts of 5 or more are printed.
    expect(row(text, 'Modtagne ansøgninger')).toEqual(['Modtagne ansøgninger', '13']);
    expect(row(text, 'Fiktivt tilbud o-klub, 1.')[1]).toBe('6'); // the §82a cohort

    // rejected 3 → "<5"; decisions 13 = grants 10 + 3, so grants or decisions is withheld too.
    expect(row(text, 'Afslag')[1]).toBe('<5');
    expect([row(text, 'Afgørelser i alt')[1], row(text, 'Bevilget helt eller delvist')[1]]).toContain('.');
    expect(text).not.toMatch(/\b3 afslag/);

    // late 2 of 13 decided: "Efter fristen" <5 and "Inden for fristen" (11) withheld, the share too.
    const version = row(text, 'lejre-2021 (1. januar');
    expect(version.slice(1, 6)).toEqual(['12 uger', '13', '.', '<5', '.']);
    expect(text).not.toMatch(/\b11 af|\b84[,.]6/); // 11 within, 84.6 %

    // grants on 2 days 2 → "<5", and no bar for it in the chart; 8 on 3 days or the total withheld.
    expect(row(text, '2 dage')[1]).toBe('<5');
    expect(text.match(/\b2 dage\b/g)).toHaveLength(1);
    // (grants in effect is in the key figures and the follow-up table: one count, one display)
    const inEffect = rows(text, 'Bevillinger i kraft 31. december 2024').map((cells) => cells[1]);
    expect(new Set(inEffect).size).toBe(1);
    expect([row(text, '3 dage')[1], inEffect[0]]).toContain('.');

    // complaints 2 → "<5", in the table and in the text.
    expect(row(text, 'Klager over afgørelser')).toEqual(['Klager over afgørelser', '<5']);
    expect(text).toContain('færre end 5 klager over afgørelser');
    expect(text).not.toMatch(/\b2 klager/);

    // §82a: continued 4 and ended 2 of 6 → both "<5"; the median gap rests on them → ".".
    expect(row(text, 'Fiktivt tilbud o-klub, 1.').slice(1)).toEqual(['6', '<5', '0', '<5', '0', '.']);
    expect(text).not.toMatch(/\b4 af dem|\b2 stoppede/);
  });

  it('refuses bad usage with exit 2 and one line', async () => {
    const results = await Promise.all([
      ['--municipality', M, '--year', '24', '--out', html('x.html')],
      ['--municipality', '999', '--year', '2024', '--out', html('x.html')],
      ['--municipality', M, '--year', '2024', '--as-of', 'yesterday', '--out', html('x.html')],
      ['--municipality', M, '--year', '2024'],
    ].map(async (args) => ({ args, ...(await cliAsync(['council-report', ...args], t.db)) })));
    for (const { args, status, stderr } of results) {
      expect(status, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(html('x.html'))).toBe(false);
  });

  it('names the package to install when Chromium is missing', () => {
    const r = cli(['council-report', '--municipality', M, '--year', '2024', '--as-of', AS_OF, '--out', html('x.pdf')], { db: t.db, env: { SEL104_CHROMIUM: '/nonexistent/chromium' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('apt-get install -y chromium');
    expect(existsSync(html('x.pdf'))).toBe(false);
  });
});

