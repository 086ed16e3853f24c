import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens } from '../dashboards/access.ts';
import { buildServer } from '../dashboards/server.ts';
import { cli } from './helpers.ts';
import { caseOf, given, type Scenario } from './scenario.ts';

const READER = 'reader-token-0123456789abcdef';
const INGESTER = 'ingest-token-0123456789abcdef';

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

  it('a token without the route\'s role is 403; with it, 200', async () => {
    expect((await get('/api/reports/volume?on=2024-06-30', INGESTER)).statusCode).toBe(403);
    expect((await get('/api/reports/volume?on=2024-06-30', READER)).statusCode).toBe(200);
    const post = (token: string) =>
      app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, payload: '' });
    expect((await post(READER)).statusCode).toBe(403);
    expect((await post(INGESTER)).statusCode).toBe(200);
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
