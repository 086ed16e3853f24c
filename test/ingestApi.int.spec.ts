import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listDeadLetters } from '../consumers/deadLetters.ts';
import { serverOnFreshDb } from './helpers.ts';
import { caseOf } from './scenario.ts';
import { expectedFor, randomLines } from './fixtures/randomLines.ts';

/** POST /api/events: the import path over HTTP, on a fresh DuckDB file. */
describe('event ingest API', () => {
  const server = serverOnFreshDb({ ingestLimit: 4096 });

  const c = caseOf('350', 'c-9');
  const applied = c.applied('2024-01-02');
  const granted = c.granted('2024-02-01', { daysPerWeek: 2, startDate: '2024-02-05' });
  const badDays = { ...c.granted('2024-02-01'), data: { decisionId: 'd-x', outcome: 'granted', legalBasis: 'SEL104', grant: { offerId: 'o-1', daysPerWeek: 6, transport: 'none', startDate: '2024-02-05' } } };
  const post = (lines: string[]) =>
    server.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') + '\n' });

  it('accepts, counts duplicates and rejects with line and reasons; accepted events are in the reports at once', async () => {
    // Lines: 1 applied, 2 granted, 3 applied again (a duplicate), 4 a grant of 6 days a week (rejected).
    const res = await post([JSON.stringify(applied), JSON.stringify(granted), JSON.stringify(applied), JSON.stringify(badDays)]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      received: 4, accepted: 2, duplicates: 1,
      rejected: [{ line: 4, reasons: [{ path: 'data.grant.daysPerWeek', rule: 'must be 1–5' }] }],
    });
    const dead = await listDeadLetters(server.db.conn, {});
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ line: 4 });
    expect(dead[0]!.source).toMatch(/^http \d{4}-\d\d-\d\dT[\d:.]+Z \S+$/);
    // Days per week on 2024-03-01: the grant of 2 days (start 2024-02-05 ≤ 2024-03-01) is in effect.
    const report = await server.app.inject({ url: '/api/reports/days-per-week?municipality=350&on=2024-03-01' });
    expect(report.json().map((r: { grants: number }) => r.grants)).toEqual([0, 1, 0, 0, 0]);
  });

  it('posting the same body again changes nothing: every valid line is a duplicate', async () => {
    const res = await post([JSON.stringify(applied), JSON.stringify(granted)]);
    expect(res.json()).toEqual({ received: 2, accepted: 0, duplicates: 2, rejected: [] });
  });

  it('GET /metrics counts what the API took, the positions and the report latency (Prometheus text)', async () => {
    // So far: 2 accepted, 3 duplicates (1 + 2), 1 rejected; the log holds 2 events, all projected;
    // one report ran (days-per-week).
    const res = await server.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const body = res.body;
    expect(body).toContain('sel104_ingest_events_total{result="accepted"} 2');
    expect(body).toContain('sel104_ingest_events_total{result="duplicate"} 3');
    expect(body).toContain('sel104_ingest_events_total{result="rejected"} 1');
    // every gauge reads the positions of this scrape (not the previous one's, nor none)
    expect(body).toContain('sel104_log_position 2');
    expect(body).toContain('sel104_projection_position 2');
    expect(body).toContain('sel104_log_available 1');
    expect(body).toContain('sel104_projection_lag_events 0');
    expect(body).toContain('sel104_projector_running 1');
    expect(body).toContain('sel104_report_duration_seconds_count{report="days-per-week"} 1');
  });

  it('standard-evidence is kept until the projection moves, and runs again once posted events are projected', async () => {
    const url = '/api/reports/standard-evidence?municipality=350&on=2024-12-31';
    // Decisions under lejre-2021's 12 weeks: c-9, received 2024-01-02 and granted 2024-02-01 (30 days).
    const decisions = (rows: Record<string, unknown>[]) =>
      rows.find((r) => r.rule === 'processing_deadline' && r.standardVersion === 'lejre-2021')!.ifAppliedBase;
    const first = await server.app.inject({ url });
    expect(first.headers['x-sel104-cache']).toBe('miss');
    expect(decisions(first.json())).toBe(1);
    const again = await server.app.inject({ url });
    expect(again.headers['x-sel104-cache']).toBe('hit');
    expect(again.body).toBe(first.body);
    // Cache-Control: no-cache runs it again
    const fresh = await server.app.inject({ url, headers: { 'cache-control': 'no-cache' } });
    expect(fresh.headers['x-sel104-cache']).toBe('miss');
    expect(fresh.body).toBe(first.body);
    // other parameters are other rows
    expect((await server.app.inject({ url: `${url}&from=2024-03-01` })).headers['x-sel104-cache']).toBe('miss');
    // a body of duplicates projects nothing: the rows are still current
    await post([JSON.stringify(applied)]);
    expect((await server.app.inject({ url })).headers['x-sel104-cache']).toBe('hit');
    // a second case, received 2024-03-01 and granted 2024-04-01: two decisions
    const d = caseOf('350', 'c-10');
    await post([JSON.stringify(d.applied('2024-03-01')), JSON.stringify(d.granted('2024-04-01', { startDate: '2024-04-08' }))]);
    const after = await server.app.inject({ url });
    expect(after.headers['x-sel104-cache']).toBe('miss');
    expect(decisions(after.json())).toBe(2);
  });

  it('a POST answers once its events are in the log; a projection that fails loses nothing and the next one catches up', async () => {
    const health = async () => (await server.app.inject({ url: '/healthz' })).json() as { logPosition: number; projectionPosition: number; lag: number };
    const before = await health();
    expect(before.lag).toBe(0);
    // The projection of decisions cannot be written while its table is away.
    await server.db.conn.run('ALTER TABLE decisions RENAME TO decisions_away');
    const e = caseOf('350', 'c-11');
    const res = await post([JSON.stringify(e.applied('2024-05-01')), JSON.stringify(e.granted('2024-05-15', { daysPerWeek: 4, startDate: '2024-05-20' }))]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: 2, accepted: 2 });
    // In the log, not projected: the failed batch left the projection where it was.
    expect(await health()).toMatchObject({ logPosition: before.logPosition + 2, projectionPosition: before.projectionPosition, lag: 2 });
    await server.db.conn.run('ALTER TABLE decisions_away RENAME TO decisions');
    // The next POST's projection takes both posts' events.
    expect((await post([JSON.stringify(e.followUp('2024-06-01'))])).json()).toMatchObject({ accepted: 1 });
    expect(await health()).toMatchObject({ logPosition: before.logPosition + 3, projectionPosition: before.logPosition + 3, lag: 0 });
    // c-9's 2 days and c-11's 4 days a week; c-10's 3 days (default) too, in effect from 2024-04-08
    const days = await server.app.inject({ url: '/api/reports/days-per-week?municipality=350&on=2024-06-30' });
    expect(days.json().map((r: { grants: number }) => r.grants)).toEqual([0, 1, 1, 1, 0]);
  });

  it('a body over the limit is 413 and another content type 415, as problem+json with their codes', async () => {
    const big = await post(Array.from({ length: 20 }, () => JSON.stringify(applied)));
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(big.json()).toMatchObject({ status: 413, code: 'SEL104_ERR_BODY_TOO_LARGE', detail: expect.stringContaining('4096 bytes') });
    const raw = (headers: Record<string, string>, payload: string | Buffer) => server.app.inject({ method: 'POST', url: '/api/events', headers, payload });
    // another type is 415 whatever the body: not 400 from the JSON parser, nor 413 by its limit
    const ndjson = JSON.stringify(c.followUp('2024-07-01'));
    for (const [type, payload] of [['text/plain', 'x'], ['application/json', ndjson], ['text/plain', 'x'.repeat(8192)], ['', ndjson], ['application/x-ndjsonx', ndjson]] as const) {
      const wrong = await raw(type ? { 'content-type': type } : {}, payload);
      expect(wrong.statusCode, type).toBe(415);
      expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(wrong.json(), type).toMatchObject({ status: 415, code: 'SEL104_ERR_UNSUPPORTED_MEDIA_TYPE' });
    }
    // a compressed body is 415 too (it was read as bytes of NDJSON: 200, with dead letters "not valid UTF-8")
    const before = (await listDeadLetters(server.db.conn, {})).length;
    for (const coding of ['gzip', 'br', 'deflate']) {
      const body = coding === 'gzip' ? gzipSync(ndjson) : coding === 'br' ? brotliCompressSync(ndjson) : deflateSync(ndjson);
      const res = await raw({ 'content-type': 'application/x-ndjson', 'content-encoding': coding }, body);
      expect(res.statusCode, coding).toBe(415);
      expect(res.json().detail).toContain(`content-encoding ${coding}`);
    }
    expect(await listDeadLetters(server.db.conn, {})).toHaveLength(before);
    // media types are case-insensitive, and may carry parameters; "identity" is no coding
    const ok = await raw({ 'content-type': 'Application/X-NDJSON; charset=utf-8', 'content-encoding': 'identity' }, ndjson);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ received: 1, accepted: 1 });
  });
});

/** POST /api/events with more rejected lines than the answer lists. */
describe('event ingest API, many rejected lines', () => {
  const server = serverOnFreshDb();

  it('lists the first 1000 rejected lines, counts them all in x-sel104-rejected, and keeps all in the dead-letter store', async () => {
    const lines = Array.from({ length: 1500 }, (_, i) => `{"bad":${i}}`);
    const res = await server.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ received: 1500, accepted: 0, duplicates: 0 });
    expect(body.rejected.map((r: { line: number }) => r.line)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(res.headers['x-sel104-rejected']).toBe('1500');
    expect(await listDeadLetters(server.db.conn, { limit: 10_000 })).toHaveLength(1500);
    // The store keeps a line of an input once, a POST's input known by its body (not by a name):
    // the same body sent again (a retry after a lost answer) adds nothing, it stored every bad line
    // twice; another body starting with the same bad line adds it
    const send = (body: string) => server.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/x-ndjson' }, payload: body });
    expect((await send(lines.join('\n'))).headers['x-sel104-rejected']).toBe('1500');
    expect(await listDeadLetters(server.db.conn, { limit: 10_000 })).toHaveLength(1500);
    expect((await send(`${lines[0]}\n{"other":1}`)).headers['x-sel104-rejected']).toBe('2');
    const dead = await listDeadLetters(server.db.conn, { limit: 10_000 });
    expect(dead).toHaveLength(1502);
    expect(dead.filter((d) => d.raw === lines[0]!).map((d) => d.line)).toEqual([1, 1]);
  });
});

/** A fresh server whose first POSTs hold only bad lines (each plan made on them is reused later). */
describe('event ingest API, bad lines first', () => {
  const server = serverOnFreshDb();
  const post = (lines: string[]) =>
    server.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') + '\n' });

  it('a POST of lines none of which has an eventId to look up is answered with their reasons', async () => {
    // (the server's eventId filter was asked about no ids at all, and failed: a 500)
    // (every line at most 15 bytes, for the next test)
    const res = await post(['not json', '{"bad":1}', '{"type":"Nope"}']);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      received: 3, accepted: 0, duplicates: 0,
      rejected: [
        { line: 1, reasons: [{ path: 'line', rule: expect.stringMatching(/^not valid JSON \(/) }] },
        { line: 2, reasons: [{ path: 'schemaVersion', rule: 'required' }, { path: 'type', rule: 'required' }] },
        { line: 3, reasons: [{ path: 'schemaVersion', rule: 'required' }, { path: 'type', rule: expect.stringMatching(/^unknown event type "Nope"; expected one of /) }] },
      ],
    });
  });

  it('a later, longer line that only zod can judge is read whole, its reasons and its dead letter exact', async () => {
    // The first POST's lines were at most 15 bytes; these are longer, and a plan made on the first
    // POST cut them there (the rest came back as garbage, judged "not valid JSON").
    const long = ['not json either, and longer than fifteen bytes', '{"eventId":"e-1","type":"ApplicationReceived","schemaVersion":1}'];
    const res = await post(long);
    expect(res.json()).toEqual({
      received: 2, accepted: 0, duplicates: 0,
      rejected: [
        { line: 1, reasons: [{ path: 'line', rule: expect.stringMatching(/^not valid JSON \(Unexpected token 'o', "not json ei"\.\.\. is not valid JSON\)$/) }] },
        { line: 2, reasons: ['municipality', 'occurredOn', 'caseId', 'data'].map((path) => ({ path, rule: 'required' })) },
      ],
    });
    const dead = (await listDeadLetters(server.db.conn, {})).slice(-2);
    expect(dead.map((d) => d.raw)).toEqual(long);
  });
});

/**
 * Random POSTs against one server: valid events of every type (the two fixture forms), the same
 * eventIds again, lines cut short, bad values, missing fields, odd spacing and short garbage. Each
 * line's verdict must be the one zod gives the line alone, and an eventId is accepted once.
 */
describe('event ingest API, random POSTs', () => {
  const server = serverOnFreshDb();

  it('every line of 60 random POSTs gets the verdict zod gives it, and each valid eventId is accepted once', async () => {
    const lines = randomLines(7);
    const accepted = new Set<string>();
    let valid = 0;
    let invalid = 0;
    // each rejected line of an input once, a POST's input being its body
    const stored = new Set<string>();
    for (let p = 0; p < 60; p++) {
      const body = Array.from({ length: 1 + Math.floor(lines.random() * (lines.random() < 0.2 ? 150 : 12)) }, lines.next);
      const res = await server.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/x-ndjson' }, payload: body.join('\n') + '\n' });
      expect(res.statusCode, `POST ${p}`).toBe(200);
      const expected = expectedFor(body, accepted);
      invalid += expected.rejected.length;
      for (const { line } of expected.rejected) stored.add(`${body.join('\n')}\u0000${line}`);
      valid += expected.accepted + expected.duplicates;
      expect(res.json(), `POST ${p}`).toEqual(expected);
    }
    // the corpus tried every kind of line
    expect(valid).toBeGreaterThan(400);
    expect(invalid).toBeGreaterThan(250);
    const logged = (await server.db.conn.runAndReadAll('SELECT event_id FROM log.events ORDER BY position')).getRowsJS().map(([id]) => String(id));
    expect(logged).toHaveLength(accepted.size);
    expect(new Set(logged)).toEqual(accepted);
    // and every rejected line is in the dead-letter store, once per input
    expect(await listDeadLetters(server.db.conn, { limit: 10_000 })).toHaveLength(stored.size);
  }, 60_000);
});
