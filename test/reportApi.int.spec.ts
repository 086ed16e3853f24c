import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../dashboards/server.ts';
import { caseOf, given, offer, type Scenario } from './scenario.ts';

/** GET /api/reports/:name over a hand-made scenario, through fastify's inject. */
describe('report API', () => {
  // Given one Lejre case: received 2024-01-02, granted 2024-03-01 (3 days a week, public
  // transport, from 2024-03-04), the service started 2024-03-04; and a second application
  // received 2024-02-05 and withdrawn 2024-02-20. The decision was recorded on 2024-03-01 at noon.
  const c1 = caseOf('350', 'c-1');
  const c2 = caseOf('350', 'c-2');
  let s: Scenario;
  let app: FastifyInstance;
  beforeAll(async () => {
    s = await given([
      offer('350', '2023-01-01', 'o-1'),
      // (an offer of another municipality: known, and no row in Lejre's reports)
      offer('265', '2023-01-01', 'o-2'),
      c1.applied('2024-01-02'),
      c1.granted('2024-03-01', { daysPerWeek: 3, transport: 'public', startDate: '2024-03-04' }),
      c1.started('2024-03-04'),
      c2.applied('2024-02-05'),
      c2.withdrawn('2024-02-20'),
    ]);
    app = buildServer({ db: s.db });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    s?.close();
  });

  const query = 'municipality=350&from=2024-01-01&to=2024-12-31&on=2024-06-30';
  // volume for 2024 on 2024-06-30: 2 applications, 1 withdrawn, 1 decision (granted), the grant
  // in effect (start 2024-03-04 ≤ 2024-06-30, no end), 1 §104 start, transport 1 of 1 grants = 100.0.
  const expected = {
    municipality: '350', applications: 2, withdrawn: 1, decisions: 1, granted: 1, partlyGranted: 0, rejected: 0,
    grantsInEffect: 1, starts: 1, ends: 0, transportSharePct: 100,
  };

  it('answers JSON by default', async () => {
    const res = await app.inject({ url: `/api/reports/volume?${query}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual([expected]);
  });

  it('answers an Arrow IPC stream or CSV when asked by the Accept header', async () => {
    const arrow = await app.inject({ url: `/api/reports/volume?${query}`, headers: { accept: 'application/vnd.apache.arrow.stream' } });
    expect(arrow.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    expect(tableFromIPC(arrow.rawPayload).toArray().map((r) => r.toJSON())).toEqual([expected]);
    const csv = await app.inject({ url: `/api/reports/volume?${query}`, headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.trimEnd().split('\n')).toEqual([
      'municipality,applications,withdrawn,decisions,granted,partlyGranted,rejected,grantsInEffect,starts,ends,transportSharePct',
      '350,2,1,1,1,0,0,1,1,0,100.0',
    ]);
  });

  it('weighs the Accept header by its q-values, answers 406 when it accepts none of the three, and says it varies by Accept', async () => {
    const typeFor = async (accept: string) => {
      const res = await app.inject({ url: `/api/reports/volume?${query}`, headers: { accept } });
      return [res.statusCode, String(res.headers['content-type']).split(';')[0], res.headers.vary];
    };
    expect(await typeFor('text/csv;q=0.5, application/json')).toEqual([200, 'application/json', 'Accept']);
    expect(await typeFor('application/json;q=0.2, text/csv')).toEqual([200, 'text/csv', 'Accept']);
    expect(await typeFor('text/*')).toEqual([200, 'text/csv', 'Accept']);
    // a browser's: HTML first, anything else at 0.8
    expect(await typeFor('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toEqual([200, 'application/json', 'Accept']);
    for (const accept of ['application/xml', 'text/html', 'text/csv;q=0']) {
      const res = await app.inject({ url: `/api/reports/volume?${query}`, headers: { accept } });
      expect(res.statusCode, accept).toBe(406);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json(), accept).toMatchObject({ status: 406, code: 'SEL104_ERR_NOT_ACCEPTABLE' });
      expect(res.json().detail).toContain('application/json, text/csv, application/vnd.apache.arrow.stream');
    }
    // a media range with parameters matches the type served with those parameters, and no other
    expect(await typeFor('application/json; charset=utf-8')).toEqual([200, 'application/json', 'Accept']);
    expect(await typeFor('text/csv; charset=UTF-8')).toEqual([200, 'text/csv', 'Accept']);
    expect(await typeFor('text/csv;header=present')).toEqual([200, 'text/csv', 'Accept']);
    expect(await typeFor('text/csv; charset=iso-8859-1, application/json;q=0.1')).toEqual([200, 'application/json', 'Accept']);
    expect(await typeFor('text/csv; charset=iso-8859-1')).toEqual([406, 'application/problem+json', 'Accept']);
    // format= stands in for the header (the dashboards' download links)
    expect(await (await app.inject({ url: `/api/reports/volume?${query}&format=csv`, headers: { accept: 'application/xml' } })).statusCode).toBe(200);
  });

  it('applies asOf: a decision recorded after it is not known', async () => {
    // As of 2024-03-01 11:00 (Copenhagen) the decision (recorded at 12:00) and the start (recorded
    // 2024-03-04) are unknown: no decision, no grant, no start; both applications were known.
    const res = await app.inject({ url: `/api/reports/volume?${query}&asOf=${encodeURIComponent('2024-03-01T11:00:00+01:00')}` });
    expect(res.json()).toEqual([{ ...expected, decisions: 0, granted: 0, grantsInEffect: 0, starts: 0, transportSharePct: null }]);
  });

  it('an unknown report is 404 and a bad parameter 400, as problem+json naming the field and the rule', async () => {
    const unknown = await app.inject({ url: '/api/reports/nonsense' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.json()).toMatchObject({ status: 404, code: 'SEL104_ERR_UNKNOWN_REPORT' });

    for (const [q, detail] of [
      ['from=2024-02-30', 'from: must be a real calendar date'],
      ['by=week', 'by: must be month, quarter or year'],
      // thousands of periods (an 85 MB answer after 6 s, every other request waiting) is a typo
      ['by=month&from=0001-01-01&to=9999-12-31', 'by: gives 119988 periods from 0001-01-01 to 9999-12-31; at most 1200'],
      ['by=quarter&from=1700-01-01&to=2024-12-31', 'by: gives 1300 periods from 1700-01-01 to 2024-12-31; at most 1200'],
      ['colour=blue', 'colour'],
    ]) {
      const res = await app.inject({ url: `/api/reports/volume?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, code: 'SEL104_ERR_BAD_PARAMETER' });
      expect(res.json().detail).toContain(detail);
    }
  });

  it('offer narrows a report with a row per offer to that offer\'s rows, in every format; for another report it is a bad parameter', async () => {
    // c-1's grant: offer o-1, 3 days a week, in effect on 2024-06-30
    const url = '/api/reports/days-per-week-by-offer?municipality=350&on=2024-06-30';
    const grants = (rows: { offerId: string; daysPerWeek: number; grants: number }[]) => rows.filter((r) => r.grants > 0).map((r) => [r.offerId, r.daysPerWeek, r.grants]);
    expect(grants((await app.inject({ url })).json())).toEqual([['o-1', 3, 1]]);
    const o1 = (await app.inject({ url: `${url}&offer=o-1` })).json();
    expect(o1.length).toBeGreaterThan(0);
    expect(new Set(o1.map((r: { offerId: string }) => r.offerId))).toEqual(new Set(['o-1']));
    expect(grants(o1)).toEqual([['o-1', 3, 1]]);
    expect((await app.inject({ url: `${url}&offer=o-2` })).json()).toEqual([]);
    const csv = await app.inject({ url: `${url}&offer=o-2&format=csv` });
    expect(csv.body.trimEnd().split('\n')).toEqual(['municipality,offerId,daysPerWeek,grants']);
    const arrow = await app.inject({ url: `${url}&offer=o-1&format=arrow` });
    expect(tableFromIPC(arrow.rawPayload).toArray().map((r) => r.toJSON().offerId)).toEqual(o1.map((r: { offerId: string }) => r.offerId));
    for (const [q, detail] of [
      ['/api/reports/volume?offer=o-1', 'offer: volume has no row per offer; offer narrows days-per-week-by-offer, days-per-week-by-offer-level, absence, absence-flags, migrations-82a'],
      [`${url}&offer=`, 'offer: must not be empty'],
      // (it said "must be a 3-digit municipality code" of the list)
      ['/api/reports/volume?municipality=350&municipality=265', 'municipality: must be given once'],
      // (an offer no event names gave [] as if there were no data)
      [`${url}&offer=nosuch`, 'offer: no offer "nosuch" is registered or named by any event'],
      ['/api/reports/volume?asOf=2025-01-01T00:00:00+01:00', 'asOf: must be an ISO 8601 timestamp with offset; "2025-01-01T00:00:00 01:00" has a space where the offset\'s + goes (a + in a URL must be written %2B)'],
    ]) {
      const res = await app.inject({ url: q });
      expect(res.statusCode, q).toBe(400);
      expect(res.json(), q).toMatchObject({ code: 'SEL104_ERR_BAD_PARAMETER', detail });
    }
  });

  it('a URL that cannot be decoded is 400 problem+json; a vendor file that is not there is 404 (even the names of Object\'s own)', async () => {
    for (const url of ['/api/reports/%zz', '/dashboards/%']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json(), url).toMatchObject({ status: 400, code: 'SEL104_ERR_USAGE', type: 'urn:sel104:error:SEL104_ERR_USAGE' });
    }
    for (const file of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'vega.js']) {
      const res = await app.inject({ url: `/vendor/${file}` });
      expect(res.statusCode, file).toBe(404);
      expect(res.headers['content-type'], file).toMatch(/^application\/problem\+json/);
    }
    expect((await app.inject({ url: '/vendor/vega.min.js' })).statusCode).toBe(200);
  });

  it('documents the API as OpenAPI with Swagger UI at /docs, served from this machine', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    const report = spec.paths['/api/reports/{name}'].get;
    expect(report.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(
      ['path:name', 'query:asOf', 'query:by', 'query:format', 'query:from', 'query:municipality', 'query:offer', 'query:on', 'query:to'],
    );
    expect(spec.paths['/api/events'].post).toBeDefined();
    const ui = await app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
    expect(ui.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}\/[^"']*\.(js|css)/i);
    // Swagger UI appends "/json" to the page's address: a query string, even a bare "?", would
    // swallow it. Over a socket, since inject drops a bare "?" before the server sees it.
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    for (const path of ['/docs?', '/docs/?lang=en']) {
      const res = await new Promise<IncomingMessage>((resolve, reject) => get({ host: '127.0.0.1', port, path }, resolve).on('error', reject));
      res.resume();
      expect([res.statusCode, res.headers.location], path).toEqual([302, '/docs/']);
    }
  });

  it('lists the catalogue', async () => {
    const res = await app.inject({ url: '/api/reports' });
    expect(res.json().map((r: { name: string }) => r.name)).toContain('migrations-82a');
  });
});
