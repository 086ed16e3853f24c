import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens } from '../dashboards/access.ts';
import { buildServer } from '../dashboards/server.ts';
import { cli } from './helpers.ts';
import { caseOf, given, type Scenario } from './scenario.ts';

const READER = 'reader-token-0123456789abcdef';
const INGESTER = 'ingest-token-0123456789abcdef';
const COUNCIL = 'council-token-0123456789abcdef';
const COUNCIL_READER = 'council-reader-0123456789abcdef';

describe('access tokens and roles', () => {
  let s: Scenario;
  let app: FastifyInstance;
  beforeAll(async () => {
    s = await given([caseOf('350', 'c-1').applied('2024-01-02')]);
    app = buildServer({ db: s.db, tokens: parseTokens(`${READER}:read,${INGESTER}:ingest`) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    s?.close();
  });

  const get = (url: string, token?: string) => app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('a request without a valid token is 401 problem+json with WWW-Authenticate', async () => {
    for (const token of [undefined, 'reader-token-0123456789abcdeX']) {
      const res = await get('/api/reports/volume?on=2024-06-30', token);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ status: 401, code: 'SEL104_ERR_UNAUTHENTICATED' });
    }
  });

  it('a browser opening a page without a token gets a page in its language saying how the pages are reached (it got English JSON)', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    const da = await app.inject({ url: '/dashboards/overblik', headers: html });
    expect(da.statusCode).toBe(401);
    expect(da.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(da.body).toContain('<h1>Adgang kræves</h1>');
    const en = await app.inject({ url: '/pipeline?lang=en', headers: { ...html, authorization: `Bearer ${INGESTER}` } });
    expect(en.statusCode).toBe(403);
    expect(en.body).toContain('<h1>Access required</h1>');
    // a program asking for the same page still gets problem+json
    expect((await get('/dashboards/overblik')).headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a token without the route\'s role is 403; with it, 200', async () => {
    expect((await get('/api/reports/volume?on=2024-06-30', INGESTER)).statusCode).toBe(403);
    expect((await get('/api/reports/volume?on=2024-06-30', READER)).statusCode).toBe(200);
    const post = (token: string) =>
      app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, payload: '' });
    expect((await post(READER)).statusCode).toBe(403);
    expect((await post(INGESTER)).statusCode).toBe(200);
  });

  it('the scheme\'s name is case-insensitive and may be followed by more than one space', async () => {
    for (const authorization of [`bearer ${READER}`, `BEARER ${READER}`, `Bearer  ${READER}`]) {
      expect((await app.inject({ url: '/api/reports/volume?on=2024-06-30', headers: { authorization } })).statusCode, authorization).toBe(200);
    }
    for (const authorization of [`Basic ${READER}`, `Bearer${READER}`, `Bearer ${READER} x`, READER]) {
      expect((await app.inject({ url: '/api/reports/volume?on=2024-06-30', headers: { authorization } })).statusCode, authorization).toBe(401);
    }
  });

  it('a token listed more than once has the roles of all its entries', () => {
    const tokens = parseTokens(`${READER}:read,${INGESTER}:ingest,${READER}:ingest+council`);
    expect(tokens.size).toBe(2);
    expect([...tokens.rolesOf(READER)!].sort()).toEqual(['council', 'ingest', 'read']);
    expect([...tokens.rolesOf(INGESTER)!]).toEqual(['ingest']);
  });

  it('the health check and the API docs need no token', async () => {
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/docs/json')).statusCode).toBe(200);
  });

  it('refuses weak or malformed token lists', () => {
    expect(() => parseTokens('short:read')).toThrow(/SEL104_TOKENS entry 1: must be TOKEN:ROLE/);
    expect(() => parseTokens(`${READER}:admin`)).toThrow(/entry 1/);
    expect(parseTokens(undefined).size).toBe(0);
  });

  it('serve on a non-loopback address without tokens is refused in one line, exit 2', () => {
    const r = cli(['serve', '--host', '0.0.0.0'], { env: { SEL104_TOKENS: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sel104: --host 0\.0\.0\.0 is not a loopback address.*SEL104_TOKENS.*\[SEL104_ERR_USAGE\]$/m);
  });
});

describe('the council role: aggregate reports only, small numbers suppressed', () => {
  // Lejre 2024: seven applications; five granted (no transport), one rejected, one withdrawn.
  // volume: applications 7, withdrawn 1, decisions 6 = 5 granted + 0 partly + 1 rejected, 5 in effect.
  const cases = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => caseOf('350', id));
  let s: Scenario;
  let app: FastifyInstance;
  beforeAll(async () => {
    s = await given([
      ...cases.map((c) => c.applied('2024-01-10')),
      ...cases.slice(0, 5).map((c) => c.granted('2024-02-01')),
      cases[5]!.rejected('2024-02-01'),
      cases[6]!.withdrawn('2024-01-20'),
    ]);
    app = buildServer({ db: s.db, tokens: parseTokens(`${READER}:read,${INGESTER}:ingest,${COUNCIL}:council,${COUNCIL_READER}:council+read`) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    s?.close();
  });

  const query = 'municipality=350&from=2024-01-01&to=2024-12-31&on=2024-12-31';
  const get = (url: string, token: string, accept?: string) =>
    app.inject({ url, headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) } });
  const full = {
    municipality: '350', applications: 7, withdrawn: 1, decisions: 6, granted: 5, partlyGranted: 0, rejected: 1,
    grantsInEffect: 5, starts: 0, ends: 0, transportSharePct: 0,
  };

  // The 1 rejected is <5, and 6 decisions = 5 granted + 0 partly + 1 rejected would give it back:
  // the 6 decisions are withheld (the year's publication picks them, as they are also the
  // council report's decisions in the quarters' sum). The 0 % with transport rests on the 5
  // granted and the council report's 0 with transport and 5 without: all shown.
  it('a council token gets the public version: small counts as <5, those that give them away and the share as .', async () => {
    const res = await get(`/api/reports/volume?${query}`, COUNCIL);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual([{ ...full, withdrawn: '<5', decisions: '.', rejected: '<5' }]);
  });

  it('a council token gets whole calendar years only, the stocks at their end: overlapping periods would give small counts away by subtraction', async () => {
    // (any from, to and on were taken: the year less its last day is that day's decisions)
    const rule = 'a public report covers whole calendar years that have ended (from YYYY-01-01 to YYYY-12-31, several years by year), each year on its last day, as of its end: periods or moments that overlap would give small numbers away by subtraction';
    for (const [q, field] of [
      ['municipality=350&from=2024-01-01&to=2024-12-30', 'to'], ['municipality=350&from=2024-02-01&to=2024-12-31', 'from'],
      ['municipality=350&to=2024-12-31', 'from'], ['municipality=350&from=2024-01-01&to=2024-12-31&by=quarter', 'by'],
      ['municipality=350&from=2024-01-01&to=2024-12-31&on=2024-06-30', 'on'],
    ]) {
      const res = await get(`/api/reports/volume?${q}`, COUNCIL);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().detail, q).toBe(`${field}: ${rule}`);
    }
    // nor a moment: the year as recorded a month apart differs by that month's recordings
    const moment = await get('/api/reports/volume?municipality=350&from=2024-01-01&to=2024-12-31&asOf=2025-02-01T00:00:00%2B01:00', COUNCIL);
    expect(moment.json().detail).toBe(`asOf: ${rule}, 2024-12-31T23:59:59.999999+01:00`);
    const thisYear = new Date().getFullYear();
    const open = await get(`/api/reports/volume?municipality=350&from=${thisYear}-01-01&to=${thisYear}-12-31`, COUNCIL);
    expect(open.json().detail).toBe(`to: ${rule}; ${thisYear} has not ended`);
    // without on, the stocks are those of the year's last day, as with it
    expect((await get('/api/reports/volume?municipality=350&from=2024-01-01&to=2024-12-31', COUNCIL)).json()).toEqual((await get(`/api/reports/volume?${query}`, COUNCIL)).json());
    // several years, by year
    expect((await get('/api/reports/volume?municipality=350&from=2023-01-01&to=2024-12-31&by=year', COUNCIL)).statusCode).toBe(200);
    // a reader chooses any period
    expect((await get('/api/reports/volume?municipality=350&from=2024-01-01&to=2024-12-30', READER)).statusCode).toBe(200);
  });

  it('as CSV too, and as Arrow with the suppressed columns as text', async () => {
    const csv = await get(`/api/reports/volume?${query}`, COUNCIL, 'text/csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trimEnd().split('\n')).toEqual([
      'municipality,applications,withdrawn,decisions,granted,partlyGranted,rejected,grantsInEffect,starts,ends,transportSharePct',
      '350,7,<5,.,5,0,<5,5,0,0,0.0',
    ]);
    const arrow = await get(`/api/reports/volume?${query}&format=arrow`, COUNCIL);
    expect(arrow.statusCode).toBe(200);
    const table = tableFromIPC(arrow.rawPayload);
    expect(String(table.schema.fields.find((f) => f.name === 'withdrawn')!.type)).toBe('Utf8');
    expect(table.toArray().map((r) => r.toJSON())).toEqual([{
      municipality: '350', applications: '7', withdrawn: '<5', decisions: '.', granted: '5', partlyGranted: '0', rejected: '<5',
      grantsInEffect: '5', starts: '0', ends: '0', transportSharePct: '0.0',
    }]);
  });

  it('a case-level report is 403 problem+json saying it lists cases', async () => {
    for (const name of ['open-applications', 'eligibility-cases', 'absence-flags', 'data-quality', 'dead-letters']) {
      const res = await get(`/api/reports/${name}?on=2024-06-30`, COUNCIL);
      expect(res.statusCode, name).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 403, code: 'SEL104_ERR_NOT_PUBLIC' });
      expect(res.json().detail).toMatch(new RegExp(`^report "${name}" lists `));
    }
    // The reader still gets the work list.
    expect((await get('/api/reports/open-applications?on=2024-06-30', READER)).statusCode).toBe(200);
  });

  it('a council token may not ingest, nor read metrics, the catalogue or the pages', async () => {
    const post = await app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${COUNCIL}`, 'content-type': 'application/x-ndjson' }, payload: '' });
    expect(post.statusCode).toBe(403);
    expect(post.json()).toMatchObject({ code: 'SEL104_ERR_FORBIDDEN' });
    for (const url of ['/metrics', '/api/reports', '/pipeline', '/dashboards/overblik']) expect((await get(url, COUNCIL)).statusCode, url).toBe(403);
  });

  it('a read token (with council or without) still gets every count; an ingest token gets no report', async () => {
    for (const token of [READER, COUNCIL_READER]) expect((await get(`/api/reports/volume?${query}`, token)).json()).toEqual([full]);
    const ingest = await get(`/api/reports/volume?${query}`, INGESTER);
    expect(ingest.statusCode).toBe(403);
    expect(ingest.json().detail).toBe('this token lacks the role "read" or "council"');
  });

  it('the API docs still describe the report route, with the 403', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json();
    const route = spec.paths['/api/reports/{name}'].get;
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '403']));
    expect(route.description).toMatch(/council/);
  });
});
