import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, resolvePaths, type Database } from '../consumers/database.ts';
import { PAGES } from '../dashboards/charts.ts';
import { buildServer } from '../dashboards/server.ts';
import { CHROMIUM, accessibilityViolations, chromiumOrSkip } from './browser.ts';
import { ROOT, cli, tempDir } from './helpers.ts';

const browserCheck = chromiumOrSkip();
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Every dashboard page in real headless Chromium over simulated data. */
describe.skipIf(!browserCheck.available)('dashboards in Chromium', () => {
  const tmp = tempDir('sel104-dash-');
  let db: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const events = join(tmp.dir, 'ev.ndjson');
    expect(cli(['simulate', '--seed', '5', '--scale', '0.3', '--from', '2022-01-01', '--to', '2024-12-31', '--out', events]).status).toBe(0);
    expect(cli(['import', events, '--json'], { db: tmp.db }).status).toBe(0);
    // A few rejected lines too, for the data-quality page (exit 3: some lines rejected).
    expect(cli(['import', join(ROOT, 'test/fixtures/mixed.ndjson'), '--json'], { db: tmp.db }).status).toBe(3);
    db = await openDatabase(resolvePaths({ db: tmp.db }));
    app = buildServer({ db });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    db?.close();
    tmp.cleanup();
  });

  async function open(path: string, viewport?: { width: number; height: number }) {
    // a Danish user's browser (the native date fields draw in the browser's own language: Debian's
    // chromium without chromium-l10n has only en-US, so the screenshots show mm/dd/yyyy)
    const page = await browser.newPage({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', ...(viewport ? { viewport } : {}) });
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && foreign.push(r.url()));
    await page.goto(base + path);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return { page, errors, foreign };
  }

  for (const p of PAGES) {
    it(`${p.id}: every chart is drawn as SVG with its table, nothing fails, nothing comes from elsewhere, axe finds no violation`, async () => {
      // Data quality over the whole period: its dead letters were received today, after 2024.
      const period = p.id === 'datakvalitet' ? '' : '&from=2022-01-01&to=2024-12-31';
      const { page, errors, foreign } = await open(`/dashboards/${p.id}?on=2024-12-31${period}`);
      try {
        expect(errors).toEqual([]);
        expect(foreign).toEqual([]);
        for (const c of p.charts) {
          const vis = page.locator(`#${c.id}`);
          expect(await vis.getAttribute('data-error'), c.id).toBeNull();
          expect(await vis.locator('svg').count(), c.id).toBeGreaterThan(0);
          // The table alternative has one row per API row: the first 100, and the rest on asking.
          const rows = Number(await vis.getAttribute('data-rendered'));
          expect(rows, c.id).toBeGreaterThan(0);
          const table = page.locator(`#${c.id}-table`);
          if (rows > 100) {
            expect(await table.locator('tbody tr').count(), c.id).toBe(100);
            expect(await table.locator('tfoot td').textContent(), c.id).toBe(`Viser de første 100 af ${rows.toLocaleString('da-DK')} rækker. Vis alle`);
            if (!(await table.isVisible())) await page.locator(`section[aria-labelledby="${c.id}-title"] > details > summary`).click();
            await table.locator('tfoot button').click();
            expect(await table.locator('tfoot').count(), c.id).toBe(0);
          }
          expect(await table.locator('tbody tr').count(), c.id).toBe(rows);
          // vega-embed's menu offers export only: no editor, no source; opened, it fits in the
          // chart's box, which scrolls sideways and so would clip it
          expect(await page.locator(`#${c.id} .vega-actions a`).allTextContents()).not.toContain('Open in Vega Editor');
          const menu = await vis.evaluate((el) => {
            const details = el.querySelector('.vega-embed > details') as HTMLDetailsElement;
            details.open = true;
            const [box, actions] = [el.getBoundingClientRect(), details.querySelector('.vega-actions')!.getBoundingClientRect()];
            details.open = false;
            return { clipped: actions.bottom > box.bottom || actions.right > box.right, height: actions.height };
          });
          expect(menu.height, c.id).toBeGreaterThan(0);
          expect(menu.clipped, c.id).toBe(false);
        }
        // With every table open, the page itself never scrolls sideways, on a desktop or a phone: a
        // wide table or chart scrolls in its own box.
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: 720 });
          const wide = await page.evaluate(() => {
            const over = (el: Element | null) => el !== null && el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5;
            // the outermost element sticking out, unless it sits in a box that scrolls
            return [...document.querySelectorAll('body *')].filter((el) => over(el) && !over(el.parentElement) && !el.closest('.scroll, .vis'))
              .map((el) => `${el.tagName.toLowerCase()}#${el.id || el.closest('[id]')?.id}`);
          });
          expect(wide, `${width} px`).toEqual([]);
          expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${width} px`).toBe(0);
        }
        await page.setViewportSize({ width: 1280, height: 720 });
        // axe-core's WCAG A/AA and best-practice rules, on the drawn page (charts, tables, filters).
        expect(await accessibilityViolations(page)).toEqual([]);
        // kept for people to look at (test-artifacts/ is not committed)
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `dashboard-${p.id}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('the offer filter lists the offers by name and narrows the charts that have offers; Datakvalitet shows the pipeline\'s positions', async () => {
    // the names the log registered (read from the imported events, not from the pages)
    const lines = [join(tmp.dir, 'ev.ndjson'), join(ROOT, 'test/fixtures/mixed.ndjson')].flatMap((f) => readFileSync(f, 'utf8').split('\n'));
    const registered = new Map(lines.filter((l) => l.includes('"OfferRegistered"'))
      .map((l) => JSON.parse(l) as { municipality: string; data: { offerId: string; name: string } }).map((e) => [e.data.offerId, e]));
    const itc = registered.get('265-o-itc')!.data.name;
    const klub = registered.get('265-o-klubvi')!.data.name;
    const { page } = await open('/dashboards/fremmoede?on=2024-12-31&offer=265-o-itc');
    try {
      // the table names the offer and gives its id; the axis names it; the filter shows it chosen
      const offers = await page.locator('#absence-table tbody tr td:nth-child(3)').allTextContents();
      expect(offers.length).toBeGreaterThan(0);
      expect(new Set(offers)).toEqual(new Set([`${itc} (265-o-itc)`]));
      const axis = await page.locator('#absence svg text').allTextContents();
      expect(axis).toContain(itc);
      expect(axis).not.toContain('265-o-itc');
      expect(await page.locator('select[name=offer]').inputValue()).toBe('265-o-itc');
      expect(await page.locator('select[name=offer] option:checked').textContent()).toBe(itc);
      // every registered offer is listed by name, under its municipality
      const listed = await page.locator('select[name=offer] optgroup').evaluateAll((groups) =>
        groups.map((g) => [g.getAttribute('label'), [...g.querySelectorAll('option')].map((o) => [o.value, o.textContent])]));
      expect(listed.map(([label]) => label)).toEqual(['Roskilde (265)', 'Lejre (350)']);
      const options = listed.flatMap(([, opts]) => opts as [string, string][]);
      expect(new Map(options)).toEqual(new Map([...registered].map(([id, e]) => [id, e.data.name])));
      for (const [label, opts] of listed) {
        const code = /\((\d+)\)/.exec(String(label))![1];
        for (const [id] of opts as [string, string][]) expect(registered.get(id)!.municipality, id).toBe(code);
      }
      // choosing another offer puts it in the URL and narrows the table to it
      await page.selectOption('select[name=offer]', '265-o-klubvi');
      await Promise.all([page.waitForURL(/offer=265-o-klubvi/), page.click('form button[type=submit]')]);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(new Set(await page.locator('#absence-table tbody tr td:nth-child(3)').allTextContents())).toEqual(new Set([`${klub} (265-o-klubvi)`]));
      // the CSV download holds the rows the page shows: the chosen offer's (it held every offer's)
      const href = await page.locator('section[aria-labelledby="absence-title"] a.csv').getAttribute('href');
      const csv = (await (await fetch(new URL(href!, base))).text()).trimEnd().split('\n');
      const column = csv[0]!.split(',').indexOf('offerId');
      expect(column).toBeGreaterThan(-1);
      expect(csv.length - 1).toBe(Number(await page.locator('#absence').getAttribute('data-rendered')));
      expect(new Set(csv.slice(1).map((l) => l.split(',')[column]))).toEqual(new Set(['265-o-klubvi']));
    } finally {
      await page.close();
    }
    // a chart about every offer says that the offer filter does not apply to it
    const bev = await open('/dashboards/bevillinger?on=2024-12-31&offer=265-o-itc');
    try {
      const note = (chart: string) => bev.page.locator(`section[aria-labelledby="${chart}-title"] p.note`).allTextContents();
      expect(await note('days-per-week')).toEqual(['Tilbudsfilteret gælder ikke dette diagram: det viser alle tilbud.']);
      expect(await note('transport')).toHaveLength(1);
      expect(await note('days-by-offer')).toEqual([]);
      expect(new Set(await bev.page.locator('#days-by-offer-table tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set([`${itc} (265-o-itc)`]));
    } finally {
      await bev.page.close();
    }
    // with a municipality chosen, the filter lists its offers only
    const lejre = await open('/dashboards/bevillinger?on=2024-12-31&municipality=350');
    try {
      const values = await lejre.page.locator('select[name=offer] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(values).toEqual(['', ...[...registered].filter(([, e]) => e.municipality === '350').map(([id]) => id).sort((a, b) =>
        registered.get(a)!.data.name.localeCompare(registered.get(b)!.data.name, 'da'))]);
    } finally {
      await lejre.page.close();
    }
    // an offer with no rows (Roskilde's, in Lejre): the charts with offers say so instead of drawing
    // empty axes; an offer no event names is a filter that cannot be used
    const unknown = await open('/dashboards/fremmoede?on=2024-12-31&offer=265-o-none');
    try {
      expect(await unknown.page.locator('p.problem').textContent()).toBe('Filteret kan ikke bruges. Tilbud: intet tilbud "265-o-none" er registreret eller nævnt i en hændelse');
    } finally {
      await unknown.page.close();
    }
    const none = await open('/dashboards/fremmoede?on=2024-12-31&municipality=350&offer=265-o-itc');
    try {
      expect(await none.page.locator('#absence').textContent()).toBe('Ingen data for de valgte filtre.');
      expect(await none.page.locator('#absence svg').count()).toBe(0);
      expect(await none.page.locator('#absence-table tbody tr').count()).toBe(0);
    } finally {
      await none.page.close();
    }
    // Lejre moved no offer to § 82a (the simulator moves Roskilde's): said in words, not as a filter's emptiness
    const lejre82a = await open('/dashboards/paragraf-82a?on=2024-12-31&municipality=350');
    try {
      expect(await lejre82a.page.locator('#migration').textContent()).toBe('Intet tilbud skiftede fra § 104 til § 82a i perioden.');
    } finally {
      await lejre82a.page.close();
    }
    const dq = await open('/dashboards/datakvalitet?on=2024-12-31');
    try {
      // the lines were rejected today: none was received in 2022–2024
      const before = await open('/dashboards/datakvalitet?on=2024-12-31&from=2022-01-01&to=2024-12-31');
      expect(await before.page.locator('#dead-letters').textContent()).toBe('Ingen afviste linjer modtaget i perioden.');
      await before.page.close();
      expect(await dq.page.locator('#pipeline').textContent()).toMatch(/^Pipeline: logposition [\d.]+, projektion [\d.]+, efterslæb 0 hændelser$/);
      // the table alternative names the checks in words, as the chart does, in the report's order
      const checks = await dq.page.locator('#checks-table tbody tr td:nth-child(2)').allTextContents();
      expect(checks.slice(0, 7)).toEqual(['Ukendt sag', 'Ukendt tilbud', 'Dage uden for standarden', 'Fremmøde uden for en ydelse',
        '§ 104-ydelse ved § 82a-tilbud', 'Ydelse uden borger', 'Ansøgning før standarden']);
      // the dead letters' rules in Danish (test/fixtures/mixed.ndjson: 2024-02-30, an unknown field,
      // schemaVersion 3, a line that is not JSON); the English page keeps the store's words
      const rules = await dq.page.locator('#dead-letters-table tbody tr td:nth-child(2)').allTextContents();
      expect(rules).toEqual(expect.arrayContaining(['skal være en dato, der findes i kalenderen', 'ukendt felt', 'schemaVersion 3 understøttes ikke; understøttet: 1']));
      expect(rules.some((r) => r.startsWith('ikke gyldig JSON ('))).toBe(true);
      for (const r of rules) expect(r.replace(/\(.*\)$/, '')).not.toMatch(/\b(must|required|unknown|not)\b/);
      const en = await open('/dashboards/datakvalitet?on=2024-12-31&lang=en');
      expect(await en.page.locator('#dead-letters-table tbody tr td:nth-child(2)').allTextContents())
        .toEqual(expect.arrayContaining(['must be a real calendar date', 'unknown field', 'unsupported schemaVersion 3; supported: 1']));
      await en.page.close();
    } finally {
      await dq.page.close();
    }
  }, 60_000);

  it('speaks Danish with Danish number formats, and English on ?lang=en; filters stay in the URL', async () => {
    const da = await open('/dashboards/overblik?municipality=265&from=2023-01-01&to=2023-12-31&on=2023-12-31');
    try {
      expect(await da.page.getAttribute('html', 'lang')).toBe('da');
      expect(await da.page.locator('h1').textContent()).toBe('Overblik');
      expect(await da.page.locator('select[name=municipality]').inputValue()).toBe('265');
      // Every period row of 2023 for Roskilde only, and percentages with a decimal comma.
      const periods = await da.page.locator('#applications-table tbody tr td:first-child').allTextContents();
      // (quarters as Danish statistics writes them; the CSV keeps the report's 2023-Q1)
      expect(periods).toEqual(['2023K1', '2023K2', '2023K3', '2023K4']);
      const pct = await da.page.locator('#reversal-table tbody td:last-child').allTextContents();
      for (const v of pct) expect(v).toMatch(/^(\d+,\d|–)$/);
      // The KPI tile shows the latest period's value, in the table's last row.
      const kpi = await da.page.locator('#applications-kpi').textContent();
      const lastApplications = await da.page.locator('#applications-table tbody tr:last-child td:nth-child(3)').textContent();
      expect(kpi).toContain(`Roskilde (265): ${lastApplications}`);
      expect(kpi).toContain('(Seneste periode: 2023K4)');
      const lastDecisions = await da.page.locator('#decisions-table tbody tr:last-child td:nth-child(3)').textContent();
      expect(await da.page.locator('#decisions-kpi').textContent()).toContain(`Roskilde (265): ${lastDecisions}`);
      // Roskilde's standard has no deadline (standards/265.json): the tile says so, the chart says
      // there is nothing to draw rather than show an empty frame, and the table lists the decisions
      expect(await da.page.locator('#compliance-kpi').textContent()).toContain('Roskilde (265): ingen frist');
      expect(await da.page.locator('#compliance').textContent()).toBe('Ingen afgørelser med en sagsbehandlingsfrist for de valgte filtre.');
      expect(await da.page.locator('#compliance svg').count()).toBe(0);
      const decided = await da.page.locator('#compliance-table tbody tr td:nth-child(4)').allTextContents();
      expect(decided.length).toBe(4);
      expect(decided.some((d) => d !== '0')).toBe(true);
      const csv = await da.page.locator('section[aria-labelledby="applications-title"] a.csv').getAttribute('href');
      expect(csv).toContain('municipality=265');
      expect(csv).toContain('format=csv');
      expect((await (await fetch(new URL(csv!, base))).text()).split('\n')[1]).toMatch(/^2023-Q1,265,/);
    } finally {
      await da.page.close();
    }
    const en = await open('/dashboards/overblik?lang=en&municipality=265&on=2023-12-31');
    try {
      expect(await en.page.getAttribute('html', 'lang')).toBe('en');
      expect(await en.page.locator('h1').textContent()).toBe('Overview');
      expect(await accessibilityViolations(en.page)).toEqual([]);
    } finally {
      await en.page.close();
    }
    // percentages in English: a decimal point and "%" with no space (Danish: "86,7 %", the filter test)
    const enAll = await open('/dashboards/overblik?lang=en&on=2024-12-31');
    try {
      const tile = await enAll.page.locator('#compliance-kpi').textContent();
      expect(tile).toMatch(/Lejre \(350\): \d+\.\d%( |$)/);
      expect(tile).toContain('Roskilde (265): no deadline');
    } finally {
      await enAll.page.close();
    }
  }, 60_000);

  it('tables write dates as the page’s language does (05.03.2024 / 05/03/2024); the CSV keeps ISO dates', async () => {
    const query = 'on=2024-11-30';
    const rows = await (await fetch(`${base}/api/reports/open-applications?${query}`)).json() as { receivedOn: string }[];
    expect(rows.length).toBeGreaterThan(0);
    const iso = rows.map((r) => r.receivedOn);
    for (const lang of ['da', 'en'] as const) {
      const { page } = await open(`/dashboards/sagsbehandlingstid?${query}${lang === 'en' ? '&lang=en' : ''}`);
      try {
        const shown = await page.locator('#worklist-table tbody tr td:nth-child(3)').allTextContents();
        // the API's dates, as the page's language writes them: 2024-03-05 → 05.03.2024 / 05/03/2024
        const written = iso.map((x) => { const [y, m, d] = x.split('-'); return lang === 'da' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`; });
        expect([...shown].sort(), lang).toEqual([...written].sort());
      } finally {
        await page.close();
      }
    }
    const csv = await (await fetch(`${base}/api/reports/open-applications?${query}&format=csv`)).text();
    expect(csv).toContain(iso[0]);
  }, 60_000);

  it('the work list shows the most urgent cases first, then the oldest first', async () => {
    // on this date the data has Roskilde's cases without deadline and one overdue case of Lejre: the
    // report lists Roskilde first, the work list the overdue case
    const query = 'on=2023-09-30';
    const rows = await (await fetch(`${base}/api/reports/open-applications?${query}`)).json() as { municipality: string; caseId: string; status: string; elapsedDays: number }[];
    const { page } = await open(`/dashboards/sagsbehandlingstid?${query}`);
    try {
      const cases = await page.locator('#worklist-table tbody tr td:nth-child(2)').allTextContents();
      expect(cases.length).toBe(rows.length);
      const byCase = new Map(rows.map((r) => [r.caseId, r]));
      const urgency = ['overdue_without_notice', 'overdue', 'at_risk', 'open', 'no_deadline'];
      const shown = cases.map((c) => byCase.get(c)!);
      // more than one status in the data, so the order is tested, not given
      expect(new Set(shown.map((r) => r.status)).size).toBeGreaterThan(1);
      for (let i = 1; i < shown.length; i++) {
        const [a, b] = [shown[i - 1]!, shown[i]!];
        expect(urgency.indexOf(a.status), `${a.caseId} before ${b.caseId}`).toBeLessThanOrEqual(urgency.indexOf(b.status));
        // (the report's order within a status: by municipality, the oldest first)
        if (a.status === b.status && a.municipality === b.municipality) expect(a.elapsedDays).toBeGreaterThanOrEqual(b.elapsedDays);
      }
    } finally {
      await page.close();
    }
  }, 60_000);

  it('Kvalitetsstandard: the Danish table quotes the standard without the English notes; the English one has the notes', async () => {
    const wording = async (lang: 'da' | 'en') => {
      const { page } = await open(`/dashboards/kvalitetsstandard?on=2024-12-31${lang === 'en' ? '&lang=en' : ''}`);
      try {
        const rows = await page.locator('#evidence-table tbody tr').evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
        // on a desktop (1,280 px) the sheet is read whole, its last column (the rule if applied) too,
        // without scrolling it sideways
        const hidden = await page.locator('#evidence-table').evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
        expect(hidden, lang).toBe(0);
        // (the municipality cell names it, "Lejre (350)"; the version's its date, "lejre-old (fra 01.01.2019)")
        return new Map(rows.map((r) => [`${/\((\d+)\)$/.exec(r[0]!)?.[1]}/${r[2]!.split(' ')[0]}/${r[1]}`, r[4]!]));
      } finally {
        await page.close();
      }
    };
    const da = await wording('da');
    // standards/350.json: lejre-old's source reads §11: "Sagsbehandlingsfrist 20 uger".
    expect(da.get('350/lejre-old/Sagsbehandlingsfrist')).toBe('§11: "Sagsbehandlingsfrist 20 uger"');
    // §3 quotes the target group and adds the note "(no VUM level)": the quote stays, the note goes
    expect(da.get('350/lejre-old/Målgruppe: alder')).toMatch(/^§3: "Målgruppen er borgere over 18 år, .*"$/);
    // Roskilde has no deadline; its complaint deadlines follow the law, not the standard's text
    expect(da.get('265/roskilde/Sagsbehandlingsfrist')).toBe('Ingen sådan regel i denne version.');
    expect(da.get('265/roskilde/Videresendelse af klager')).toBe('Står ikke i standarden.');
    for (const [key, text] of da) expect(text, key).not.toMatch(/[a-z][A-Z]|\bthe\b|\bno VUM\b/);
    const en = await wording('en');
    // Roskilde has no deadline: the English page says so as the Danish one does
    expect(en.get('265/roskilde/Processing deadline')).toBe('No such rule in this version.');
    expect(en.get('265/roskilde/Forwarding complaints')).toMatch(/^The standard does not restate the complaint deadlines/);
    expect(en.get('350/lejre-old/Target group: age')).toContain('(no VUM level)');
    // the notes are written for readers: no field names, no talk of configuration or the seed
    for (const [key, text] of en) expect(text, key).not.toMatch(/[a-z][A-Z]|configuration|\bseed\b/);
    // where the version has no such rule, the English page says so as the Danish one does
    expect(en.get('265/roskilde/Target group: VUM level')).toBe('No such rule in this version.');
  }, 60_000);

  it('a period with no events: percentage charts and the funnel of zeros say what is missing rather than draw an empty frame', async () => {
    // the data end in 2024: 2030 has periods with zero counts and no percentages
    const expected: [string, string, string, string?][] = [
      ['overblik', 'reversal', 'Ingen klager realitetsbehandlet af Ankestyrelsen i perioden.'],
      ['overblik', 'compliance', 'Ingen afgørelser med en sagsbehandlingsfrist for de valgte filtre.'],
      ['klager', 'complaints', 'Ingen klager realitetsbehandlet af Ankestyrelsen i perioden.'],
      ['klager', 'funnel', 'Ingen afgørelser eller klager i perioden.'],
      ['bevillinger', 'transport', 'Ingen bevillinger truffet i perioden.'],
      ['opfoelgning', 'follow-up-on-time', 'Ingen opfølgninger holdt i perioden.'],
      ['fremmoede', 'absence', 'Ingen planlagte dage i perioden.'],
      ['sagsbehandlingstid', 'curve', 'Ingen afgørelser i perioden.'],
      // seven checks, none with a finding (it drew an empty frame with a lone 0); Lejre's, as
      // Roskilde still has services at the offers that moved to § 82a
      ['datakvalitet', 'checks', 'Ingen fund i datakvalitetstjekkene i perioden.', '&municipality=350'],
    ];
    for (const [pageId, chart, words, more = ''] of expected) {
      const { page, errors } = await open(`/dashboards/${pageId}?from=2030-01-01&to=2030-12-31&on=2030-12-31${more}`);
      try {
        expect(await page.locator(`#${chart}`).textContent(), chart).toBe(words);
        // the table still lists the periods, with '–' for the missing percentage (absence has no rows at all)
        if (chart !== 'absence') expect(await page.locator(`#${chart}-table tbody tr`).count(), chart).toBeGreaterThan(0);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }
  }, 60_000);

  it('on a phone the trend charts put the legend under the plot and leave out quarter labels until none overlap; the navigation wraps between links', async () => {
    const { page, errors } = await open('/dashboards/overblik?on=2024-12-31&from=2016-01-01&to=2024-12-31', { width: 390, height: 800 });
    try {
      for (const c of PAGES.find((p) => p.id === 'overblik')!.charts) {
        const drawn = await page.locator(`#${c.id} svg.marks`).evaluate((svg) => {
          const xAxis = [...svg.querySelectorAll('g.role-axis')].find((a) => {
          // the x axis: its labels spread across rather than down (the charts write no ARIA labels to tell)
          const boxes = [...a.querySelectorAll('g.role-axis-label text')].map((t) => t.getBoundingClientRect());
          const spread = (f: (b: DOMRect) => number) => Math.max(...boxes.map(f)) - Math.min(...boxes.map(f));
          return boxes.length > 1 && spread((b) => b.left + b.width / 2) > spread((b) => b.top + b.height / 2);
        })!;
          const labels = [...xAxis.querySelectorAll('g.role-axis-label text')];
          const shown = labels.filter((t) => t.getAttribute('opacity') !== '0').map((t) => t.getBoundingClientRect());
          const overlapping = shown.filter((a, i) => shown.slice(i + 1).some((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)).length;
          return { labels: labels.length, shown: shown.length, overlapping, legendTop: svg.querySelector('g.role-legend')!.getBoundingClientRect().top, axisBottom: xAxis.getBoundingClientRect().bottom };
        });
        // the volume and follow-up trends have 2016-Q1 … 2024-Q4, 36 quarters: some are left out at 390 px
        if (['applications', 'decisions', 'grants-in-effect', 'overdue-follow-ups'].includes(c.id)) {
          expect(drawn.labels, c.id).toBe(36);
          expect(drawn.shown, c.id).toBeLessThan(36);
        }
        expect(drawn.overlapping, c.id).toBe(0);
        expect(drawn.legendTop, c.id).toBeGreaterThanOrEqual(drawn.axisBottom);
      }
      // the navigation wraps between its links, never inside one ("§" on one line, "82a" on the next)
      const broken = await page.locator('nav a').evaluateAll((links) => links.filter((a) => a.getClientRects().length > 1).map((a) => a.textContent));
      expect(broken).toEqual([]);
      expect(errors).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-overblik-phone.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 60_000);

  it('on a phone, charts with long labels keep a plot (offer names and rules wrapped onto lines), and the funnel names every step', async () => {
    const phone = { width: 390, height: 800 };
    // the width of the plot: its x axis's domain line
    const plotWidth = (svg: Element) => [...svg.querySelectorAll('g.role-axis')].find((a) => {
          // the x axis: its labels spread across rather than down (the charts write no ARIA labels to tell)
          const boxes = [...a.querySelectorAll('g.role-axis-label text')].map((t) => t.getBoundingClientRect());
          const spread = (f: (b: DOMRect) => number) => Math.max(...boxes.map(f)) - Math.min(...boxes.map(f));
          return boxes.length > 1 && spread((b) => b.left + b.width / 2) > spread((b) => b.top + b.height / 2);
        })!
      .querySelector('.role-axis-domain')!.getBoundingClientRect().width;
    for (const [pageId, chart] of [['fremmoede', 'absence'], ['bevillinger', 'days-by-offer'], ['kvalitetsstandard', 'evidence']] as const) {
      const { page, errors } = await open(`/dashboards/${pageId}?on=2024-12-31&from=2022-01-01&to=2024-12-31`, phone);
      try {
        const width = await page.locator(`#${chart} svg.marks`).evaluate(plotWidth);
        // before: 5 px of heat map beside 230 px of offer names
        expect(width, chart).toBeGreaterThan(120);
        // the names on the left, wrapped onto lines: each reads differently and none overlaps the next
        // (cut short, two read "Eksempelkommune …": Eksempelkommune Aktivitetshus in Lejre and in Roskilde)
        const labels = await page.locator(`#${chart} svg.marks`).evaluate((svg) => {
          const axes = [...svg.querySelectorAll('g.role-axis')].map((a) => [...a.querySelectorAll('g.role-axis-label text')]);
          const left = axes.find((texts) => texts.length > 1 && new Set(texts.map((t) => Math.round(t.getBoundingClientRect().left + t.getBoundingClientRect().width))).size === 1)!;
          const boxes = left.map((t) => t.getBoundingClientRect());
          return {
            texts: left.map((t) => [...t.querySelectorAll('tspan')].map((l) => l.textContent).join(' ') || t.textContent),
            lines: Math.max(...left.map((t) => t.querySelectorAll('tspan').length)),
            overlapping: boxes.filter((a, i) => boxes.slice(i + 1).some((b) => a.top < b.bottom && b.top < a.bottom)).length,
          };
        });
        expect(new Set(labels.texts).size, `${chart}: ${labels.texts.join(' | ')}`).toBe(labels.texts.length);
        expect(labels.lines, chart).toBeGreaterThan(1);
        expect(labels.overlapping, `${chart}: ${labels.texts.join(' | ')}`).toBe(0);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }
    // a panel per municipality: under each other, both in the box (the second was out of sight)
    const levels = await open('/dashboards/bevillinger?on=2024-12-31', phone);
    try {
      const fit = await levels.page.locator('#days-by-level').evaluate((box) => ({ box: box.clientWidth, svg: box.querySelector('svg.marks')!.getBoundingClientRect().width }));
      expect(fit.svg).toBeLessThanOrEqual(fit.box);
      const headers = await levels.page.locator('#days-by-level svg text').allTextContents();
      expect(headers).toEqual(expect.arrayContaining(['Roskilde (265)', 'Lejre (350)']));
      expect(levels.errors).toEqual([]);
    } finally {
      await levels.page.close();
    }
    const { page, errors } = await open('/dashboards/klager?on=2024-12-31&from=2022-01-01&to=2024-12-31', phone);
    try {
      const steps = await page.locator('#funnel svg.marks').evaluate((svg) => {
        const xAxis = [...svg.querySelectorAll('g.role-axis')].find((a) => {
          // the x axis: its labels spread across rather than down (the charts write no ARIA labels to tell)
          const boxes = [...a.querySelectorAll('g.role-axis-label text')].map((t) => t.getBoundingClientRect());
          const spread = (f: (b: DOMRect) => number) => Math.max(...boxes.map(f)) - Math.min(...boxes.map(f));
          return boxes.length > 1 && spread((b) => b.left + b.width / 2) > spread((b) => b.top + b.height / 2);
        })!;
        const shown = [...xAxis.querySelectorAll('g.role-axis-label text')].filter((t) => t.getAttribute('opacity') !== '0');
        const boxes = shown.map((t) => t.getBoundingClientRect());
        return { words: shown.map((t) => t.textContent), overlapping: boxes.filter((a, i) => boxes.slice(i + 1).some((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)).length };
      });
      expect(steps.words).toEqual(['Afgørelser', 'Klager', 'Omgjort', 'Delvist fastholdt', 'Fastholdt', 'Videresendt', 'Stadfæstet', 'Ændret/ophævet', 'Hjemvist', 'Afvist']);
      expect(steps.overlapping).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('changing the filters in the form changes the URL and what the charts draw', async () => {
    const { page, errors } = await open('/dashboards/overblik?on=2024-12-31&from=2022-01-01&to=2024-12-31');
    const column = (table: string, n: number) => page.locator(`#${table}-table tbody tr td:nth-child(${n})`).allTextContents();
    const legend = (chart: string) => page.locator(`#${chart} svg g.role-legend-label text`).allTextContents();
    try {
      // the table names the municipalities as their standards do
      expect(new Set(await column('applications', 2))).toEqual(new Set(['Roskilde (265)', 'Lejre (350)']));
      expect(await legend('applications')).toEqual(['Roskilde (265)', 'Lejre (350)']);
      await page.selectOption('select[name=municipality]', '350');
      await page.fill('input[name=from]', '2024-01-01');
      await Promise.all([page.waitForURL(/municipality=350/), page.click('form button[type=submit]')]);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      const url = new URL(page.url());
      expect([url.searchParams.get('municipality'), url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.get('on')])
        .toEqual(['350', '2024-01-01', '2024-12-31', '2024-12-31']);
      // the charts and tables are drawn again from the filtered reports
      expect(new Set(await column('applications', 2))).toEqual(new Set(['Lejre (350)']));
      expect(await column('applications', 1)).toEqual(['2024K1', '2024K2', '2024K3', '2024K4']);
      expect(await legend('applications')).toEqual(['Lejre (350)']);
      expect(await page.locator('#applications').getAttribute('data-rendered')).toBe('4');
      // Lejre's deadline compliance in the tile: the last quarter's decisions within the deadline
      // over its decisions, across the versions of its standard (read from the table)
      const periods = await column('compliance', 1);
      const decided = (await column('compliance', 4)).map(Number);
      const within = (await column('compliance', 5)).map(Number);
      const pcts = await column('compliance', 6);
      const last = periods.map((p, i) => ({ p, i })).filter(({ p, i }) => p === '2024K4' && pcts[i] !== '–').map(({ i }) => i);
      const n = last.reduce((s, i) => s + within[i]!, 0);
      const d = last.reduce((s, i) => s + decided[i]!, 0);
      const tile = await page.locator('#compliance-kpi').textContent();
      expect(tile).toContain(d === 0 ? 'Lejre (350): –' : `Lejre (350): ${(Math.round((1000 * n) / d) / 10).toFixed(1).replace('.', ',')}\u00a0%`);
      expect(tile).toContain('2024K4');
      // Back: the form shows the filters the charts are drawn with (it kept the ones left behind)
      await page.goBack();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(new URL(page.url()).searchParams.get('municipality')).toBeNull();
      expect([await page.inputValue('select[name=municipality]'), await page.inputValue('input[name=from]')]).toEqual(['', '2022-01-01']);
      expect(new Set(await column('applications', 2))).toEqual(new Set(['Roskilde (265)', 'Lejre (350)']));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
