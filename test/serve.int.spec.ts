import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, resolvePaths } from '../consumers/database.ts';
import { PAGES } from '../dashboards/charts.ts';
import { buildServer } from '../dashboards/server.ts';
import { BIN, ROOT, cli, serverOnFreshDb, tempDir } from './helpers.ts';
import { caseOf } from './scenario.ts';

const FIXTURE = join(ROOT, 'test/fixtures/mixed.ndjson');

/** The value in the row labelled `label` of one municipality's table on the overview page. */
function cell(html: string, municipality: string, label: string): string | undefined {
  const section = html.split(`data-municipality="${municipality}"`)[1]?.split('</section>')[0] ?? '';
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<th scope="row">${escaped}</th><td class="num">([^<]*)</td>`).exec(section)?.[1];
}

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  srv.close();
  await once(srv, 'close');
  return port;
}

describe('sel104 serve: overview page and health check over the mixed fixture', () => {
  // Given the fixture: 6 accepted events for 350 (an offer, 1 application, 1 granted decision,
  // 1 service start, 2 attendance registrations dated 2024-01-01 … 2024-03-05), 7 dead letters.
  const server = serverOnFreshDb({}, (db) => expect(cli(['import', FIXTURE, '--json'], { db }).status).toBe(3));

  it('GET /pipeline is a Danish HTML page with the counts from the projection tables', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/pipeline' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.body;
    expect(html).toContain('<html lang="da">');
    expect(html).toContain('sel104 — Datagrundlag');
    expect(html).toContain('Lejre Kommune (350)');
    expect(html).not.toContain('data-municipality="265"');
    expect(cell(html, '350', 'Ansøgninger')).toBe('1');
    expect(cell(html, '350', 'Afgørelser: bevilget')).toBe('1');
    expect(cell(html, '350', 'Afgørelser: afslag')).toBe('0');
    expect(cell(html, '350', 'Ydelser startet')).toBe('1');
    expect(cell(html, '350', 'Fremmøderegistreringer')).toBe('2');
    expect(cell(html, '350', 'Registrerede tilbud')).toBe('1');
    expect(cell(html, '350', 'Første hændelsesdato')).toBe('01.01.2024');
    expect(cell(html, '350', 'Seneste hændelsesdato')).toBe('05.03.2024');
    expect(html).toMatch(/<dt>Afviste linjer \(dead letters\)<\/dt><dd>7<\/dd>/);
    expect(html).toContain('<a href="/dashboards/overblik">Dashboards</a>');
    // Nothing is loaded from elsewhere: no external scripts, stylesheets or fonts.
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
  });

  it('events that are not the simulator\'s are not called simulated', async () => {
    for (const url of ['/pipeline', '/dashboards/overblik']) {
      const res = await server.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<main');
      expect(res.body, url).not.toContain('class="demo"');
    }
  });

  it('GET /?lang=en switches the labels to English', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/pipeline?lang=en' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('sel104 — Data and pipeline');
    expect(cell(res.body, '350', 'Applications')).toBe('1');
    expect(cell(res.body, '350', 'First event date')).toBe('2024-01-01');
    expect(res.body).not.toContain('Ansøgninger');
  });

  it('GET /healthz reports the log and projection positions', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', log: 'embedded', available: true, logPosition: 6, projectionPosition: 6, lag: 0 });
  });

  it('an unknown route is a 404 problem+json', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/no/such/page?x=<b>' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: expect.any(String), title: 'Not Found', status: 404, detail: expect.stringContaining('/no/such/page') });
  });

  it('a mistyped dashboard is a 404 page in the reader\'s language linking the nine dashboards (it was English JSON); /dashboards leads to Overblik', async () => {
    const res = await server.app.inject({ method: 'GET', url: `/dashboards/${encodeURIComponent('fremmøde')}` });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<h1>Siden findes ikke</h1>');
    expect([...res.body.matchAll(/<a href="\/dashboards\/([a-z0-9-]+)">/g)].map((m) => m[1])).toEqual(PAGES.map((p) => p.id));
    expect(res.body).toContain('<a href="/dashboards/fremmoede">Fremmøde</a>');
    const en = await server.app.inject({ method: 'GET', url: '/dashboards/nope?lang=en' });
    expect(en.body).toContain('<h1>No such dashboard</h1>');
    expect(en.body).toContain('<a href="/dashboards/fremmoede?lang=en">Attendance</a>');
    for (const url of ['/dashboards', '/dashboards/', '/dashboards?lang=en']) {
      const r = await server.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(302);
      expect(r.headers.location, url).toBe(url.endsWith('en') ? '/dashboards/overblik?lang=en' : '/dashboards/overblik');
    }
  });

  it('a dashboard with a filter the reports cannot take is a page in its language naming the filter and the rule (400), not JSON; other parameters are ignored', async () => {
    const page = async (query: string) => {
      const res = await server.app.inject({ method: 'GET', url: `/dashboards/overblik?${query}` });
      const alert = /<p role="alert" class="problem">([^<]*)<\/p>/.exec(res.body)?.[1]?.replace(/&#39;/g, "'");
      return { status: res.statusCode, type: String(res.headers['content-type']), alert, form: res.body.includes('<form method="get" action="/dashboards/overblik" autocomplete="off">') };
    };
    expect(await page('from=garbage')).toEqual({ status: 400, type: 'text/html; charset=utf-8', alert: 'Filteret kan ikke bruges. Fra: skal være en dato på formen ÅÅÅÅ-MM-DD', form: true });
    expect((await page('from=garbage&lang=en')).alert).toBe('The filter cannot be used. From: must be a date in the format YYYY-MM-DD');
    expect((await page('on=2024-02-30')).alert).toBe('Filteret kan ikke bruges. Opgjort pr.: skal være en dato, der findes i kalenderen');
    expect((await page('municipality=999')).alert).toMatch(/^Filteret kan ikke bruges\. Kommune: ingen kvalitetsstandard for 999 \(der er en for \d{3}, \d{3}\)$/);
    expect((await page('from=2024-06-01&to=2024-01-01')).alert).toBe('Filteret kan ikke bruges. Fra: må ikke ligge efter til-datoen (2024-01-01)');
    // a filter given twice (it was a 500 for offer, and for the others an English rule)
    expect(await page('offer=a&offer=b')).toEqual({ status: 400, type: 'text/html; charset=utf-8', alert: 'Filteret kan ikke bruges. Tilbud: må kun angives én gang', form: true });
    expect((await page('from=2024-01-01&from=2024-02-01&lang=en')).alert).toBe('The filter cannot be used. From: must be given once');
    expect((await page('lang=en&lang=da')).alert).toBe('Filteret kan ikke bruges. Sprog: må kun angives én gang');
    // an offer no event names (it drew every chart empty, as if there were no data)
    expect(await page('offer=nosuch')).toEqual({ status: 400, type: 'text/html; charset=utf-8', alert: 'Filteret kan ikke bruges. Tilbud: intet tilbud &quot;nosuch&quot; er registreret eller nævnt i en hændelse', form: true });
    // a shared link with a mail program's tracking parameter, or a report parameter the pages do not use
    for (const query of ['utm_source=mail&from=2024-01-01', 'by=week']) expect(await page(query), query).toMatchObject({ status: 200, alert: undefined, form: true });
  });

  it('counts an offer registered again once, and a new offer as one more (last: it posts to the log)', async () => {
    const offer = (eventId: string, offerId: string, occurredOn: string, name: string) => JSON.stringify({
      eventId, type: 'OfferRegistered', schemaVersion: 1, municipality: '350', occurredOn, recordedAt: `${occurredOn}T09:00:00+01:00`,
      data: { offerId, name, provider: { name: 'Fiktiv ApS', kind: 'private' }, legalBasis: 'SEL104', approvedBySocialtilsyn: true, listedOnTilbudsportalen: true },
    });
    const post = (lines: string[]) => server.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/x-ndjson' }, payload: `${lines.join('\n')}\n` });
    const registered = async () => cell((await server.app.inject({ method: 'GET', url: '/pipeline' })).body, '350', 'Registrerede tilbud');
    // the fixture's o-1 registered again under a new name
    expect((await post([offer('o-1-again', 'o-1', '2024-06-01', 'Fiktiv Aktivitetshus Nord')])).json()).toMatchObject({ accepted: 1 });
    expect(await registered()).toBe('1');
    expect((await post([offer('o-2', 'o-2', '2024-06-01', 'Fiktiv Café')])).json()).toMatchObject({ accepted: 1 });
    expect(await registered()).toBe('2');
  });

  it('refuses a non-loopback host: exit 2, one line', () => {
    const r = cli(['serve', '--host', '0.0.0.0'], { db: server.tmp.db });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sel104: --host 0\.0\.0\.0 is not a loopback address.*access tokens.*\[SEL104_ERR_USAGE\]$/m);
  });

  it('a port in use is one clear line naming the port: exit 1', async () => {
    // The child needs the database files, which this process holds open.
    await server.app.close();
    server.db.close();
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      const r = cli(['serve', '--port', String(port)], { db: server.tmp.db });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(r.stderr).toContain('[SEL104_ERR_PORT_IN_USE]');
    } finally {
      blocker.close();
      server.db = await openDatabase(resolvePaths({ db: server.tmp.db }));
      server.app = buildServer({ db: server.db });
    }
  });
});

describe('sel104 serve: the demo notice follows the log', () => {
  const server = serverOnFreshDb();

  it('a log without simulated events gets the notice once a POST adds some', async () => {
    const notice = async () => {
      const res = await server.app.inject({ url: '/dashboards/overblik' });
      expect(res.statusCode).toBe(200);
      return res.body.includes('class="demo"');
    };
    const post = (lines: string[]) => server.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/x-ndjson' }, payload: `${lines.join('\n')}\n` });
    const event = (caseId: string, source: string) => JSON.stringify({ ...caseOf('350', caseId).applied('2024-01-02'), source });
    expect(await notice()).toBe(false);
    expect((await post([event('e-1', 'case-system')])).json()).toMatchObject({ accepted: 1 });
    expect(await notice()).toBe(false);
    expect((await post([event('e-2', 'sim-lejre')])).json()).toMatchObject({ accepted: 1 });
    expect(await notice()).toBe(true);
  });
});

describe('sel104 serve --demo on an empty database (real process, real HTTP)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('simulates, imports, serves real data, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', String(port)], {
      cwd: ROOT,
      env: { ...process.env, SEL104_DB: tmp.db },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let stderr = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no serving line within 90 s; stderr: ${stderr}`)), 90_000);
        child.stderr.setEncoding('utf8').on('data', (s: string) => {
          stderr += s;
          if (stderr.includes(`sel104 serving on http://127.0.0.1:${port}\n`)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`serve exited with ${code} before serving; stderr: ${stderr}`));
        });
      });
      expect(stderr).toMatch(/^demo: simulating and importing/m);
      expect(stderr).toMatch(/^demo: received \d+, accepted \d+, duplicates 0, rejected 0/m);

      const res = await fetch(`http://127.0.0.1:${port}/pipeline`);
      const start = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
      expect(start.status).toBe(302);
      expect(start.headers.get('location')).toBe('/dashboards/overblik');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Roskilde Kommune (265)');
      const applications = cell(html, '265', 'Ansøgninger');
      expect(applications).toMatch(/^\d{1,3}(\.\d{3})*$/);
      expect(Number(applications!.replaceAll('.', ''))).toBeGreaterThan(0);
      // Attendance runs to hundreds of thousands: Danish thousands separators.
      expect(cell(html, '265', 'Fremmøderegistreringer')).toMatch(/^\d{1,3}(\.\d{3})+$/);

      // the demo's pages say that their figures are simulated, in the page's language
      expect(html).toContain('<p class="demo" role="note">Demodata: hændelserne er simulerede');
      const dashboard = await (await fetch(`http://127.0.0.1:${port}/dashboards/overblik?lang=en`)).text();
      expect(dashboard).toContain('<p class="demo" role="note">Demo data: the events are simulated');

      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { logPosition: number; lag: number };
      expect(health.logPosition).toBeGreaterThan(0);
      expect(health.lag).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stderr).toContain('sel104 stopped');
  });
});
