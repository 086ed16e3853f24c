import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, queryValue, resolvePaths, type Database } from '../consumers/database.ts';
import { ingestEmbedded } from '../dashboards/pipeline.ts';
import { SMALL_BATCH } from '../producers/bulkValidation.ts';
import { EmbeddedLog } from '../producers/embeddedLog.ts';
import { importLines } from '../producers/importer.ts';
import { lineBatch } from '../producers/lines.ts';
import { tempDir } from './helpers.ts';
import { caseOf, type ScenarioEvent } from './scenario.ts';

/** The embedded log's duplicate check: eventIds are looked up by their hash, and the eventId decides. */
describe('embedded log: duplicates by event_hash', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Database;
  beforeEach(async () => {
    tmp = tempDir('sel104-log-');
    db = await openDatabase(resolvePaths({ db: tmp.db }));
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  const c = caseOf('350', 'c-hash');
  const applied = c.applied('2024-01-02');
  const granted = c.granted('2024-02-01', { daysPerWeek: 2, startDate: '2024-02-05' });
  const started = c.started('2024-02-05');
  const ndjson = (events: ScenarioEvent[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const body = (events: ScenarioEvent[]) => Buffer.from(ndjson(events));
  const numbered = (text: string) => lineBatch(text.trimEnd().split('\n'));
  const append = (events: ScenarioEvent[]) => importLines(db, Readable.from([body(events)]), { source: 'test' });
  const counts = ({ received, accepted, duplicates, rejected }: { received: number; accepted: number; duplicates: number; rejected: number | unknown[] }) => ({
    received, accepted, duplicates, rejected: typeof rejected === 'number' ? rejected : rejected.length,
  });
  const logRows = () =>
    queryRows<{ position: number; event_id: string; hashed: boolean }>(
      db.conn,
      `SELECT CAST(position AS INTEGER) AS position, event_id, event_hash = hash(event_id) AS hashed FROM log.events ORDER BY position`,
    );
  /** Stages, checks and commits one batch through an open log. */
  const appendThrough = async (log: EmbeddedLog, text: string) =>
    log.commit(await log.check(await log.stage(0, numbered(text))), 'test', '2024-06-01T00:00:00Z');

  // Another case's applications, so that a batch with them is a bulk import's batch, not a POST's.
  const filler = Array.from({ length: SMALL_BATCH }, (_, n) => caseOf('350', `c-fill-${n}`).applied('2024-01-03'));

  for (const [kind, extra] of [['a small batch (looked up while it is checked)', []], ['a large batch (looked up by its commit)', filler]] as const) {
    it(`${kind}: an eventId in the log is a duplicate; another eventId whose hash collides with it is not`, async () => {
      await append([applied]);
      const log = await EmbeddedLog.open(db);
      try {
        // Given the application in the log, and a row whose event_hash is that of the grant's
        // eventId but whose eventId is another (a collision, forced, once the log is open: opening
        // it would take the forced hash for a stale one and compute it anew).
        await db.conn.run(
          `INSERT INTO log.events
           SELECT 2, 'not-' || event_id, type, schema_version, municipality, case_id, occurred_on, recorded_at, ingested_at, source, data, hash($1)
           FROM log.events WHERE position = 1`,
          [granted.eventId],
        );
        // When the application comes again with the grant
        const r = await appendThrough(log, ndjson([applied, granted, ...extra]));
        // Then the application is a duplicate and the grant is new, stored with its own hash.
        expect(counts(r)).toEqual({ received: 2 + extra.length, accepted: 1 + extra.length, duplicates: 1, rejected: 0 });
        expect((await logRows()).slice(0, 3)).toEqual([
          { position: 1, event_id: applied.eventId, hashed: true },
          { position: 2, event_id: `not-${applied.eventId}`, hashed: false },
          { position: 3, event_id: granted.eventId, hashed: true },
        ]);
      } finally {
        await log.idle();
        log.close();
      }
    });
  }

  it('an event appended after a batch was looked up, before its commit, is still a duplicate', async () => {
    const log = await EmbeddedLog.open(db);
    try {
      // Two batches checked (and looked up) before either commits, as in a bulk import's pipeline.
      const first = await log.check(await log.stage(0, numbered(ndjson([applied]))));
      const second = await log.check(await log.stage(1, numbered(ndjson([applied, granted]))));
      expect(counts(await log.commit(first, 'test', '2024-06-01T00:00:00Z'))).toEqual({ received: 1, accepted: 1, duplicates: 0, rejected: 0 });
      expect(counts(await log.commit(second, 'test', '2024-06-01T00:00:00Z'))).toEqual({ received: 2, accepted: 1, duplicates: 1, rejected: 0 });
    } finally {
      await log.idle();
      log.close();
    }
  });

  it('an eventId that SQL reads otherwise than zod (a repeated key) is looked up as zod reads it', async () => {
    await append([applied]);
    // JSON.parse keeps the last of repeated keys, DuckDB's JSON functions the first.
    const line = JSON.stringify(applied).replace(/^\{/, '{"eventId":"not-in-the-log",');
    const r = await ingestEmbedded(db, Buffer.from(line + '\n'), 'http');
    expect(counts(r)).toEqual({ received: 1, accepted: 0, duplicates: 1, rejected: 0 });
  });

  it('a log written before event_hash existed gets the column, filled, on open', async () => {
    // Given a log of the earlier layout (no event_hash column)
    await append([applied, granted]);
    await db.conn.run(`ALTER TABLE log.events DROP COLUMN event_hash`);
    db.close();
    db = await openDatabase(resolvePaths({ db: tmp.db }));
    // When events are appended (the log is opened)
    const r = await append([applied, granted, started]);
    // Then its events are found by hash, and the column is NOT NULL like a new log's.
    expect(counts(r)).toEqual({ received: 3, accepted: 1, duplicates: 2, rejected: 0 });
    expect(await logRows()).toEqual([
      { position: 1, event_id: applied.eventId, hashed: true },
      { position: 2, event_id: granted.eventId, hashed: true },
      { position: 3, event_id: started.eventId, hashed: true },
    ]);
    const nullable = await queryValue<boolean>(db.conn, `SELECT is_nullable FROM duckdb_columns() WHERE database_name = 'log' AND table_name = 'events' AND column_name = 'event_hash'`);
    expect(nullable).toBe(false);
  });

  it('hashes that are not DuckDB’s hash() of today (an upgrade changed it) are computed again on open', async () => {
    await append([applied, granted]);
    await db.conn.run(`UPDATE log.events SET event_hash = xor(event_hash, 1)`);
    const r = await append([applied, granted]);
    expect(counts(r)).toEqual({ received: 2, accepted: 0, duplicates: 2, rejected: 0 });
    expect((await logRows()).every((row) => row.hashed)).toBe(true);
  });

  it('the log the server keeps open appends after events another import appended meanwhile', async () => {
    const first = await ingestEmbedded(db, body([applied]), 'http');
    expect(counts(first)).toEqual({ received: 1, accepted: 1, duplicates: 0, rejected: 0 });
    await append([granted]);
    const second = await ingestEmbedded(db, body([applied, granted, started]), 'http');
    expect(counts(second)).toEqual({ received: 3, accepted: 1, duplicates: 2, rejected: 0 });
    expect(second.logPosition).toBe(3);
    expect(second.projectedPosition).toBe(3);
    expect((await logRows()).map((row) => row.event_id)).toEqual([applied.eventId, granted.eventId, started.eventId]);
  });
});
