import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, queryValue, resolvePaths, type Database } from '../consumers/database.ts';
import { SERVICE_SPELLS_TABLE, serviceSpellsSql } from '../consumers/projection/serviceSpells.ts';
import { SLACK, SUMMARY_TABLES, consolidated, summarise } from '../consumers/projection/summaries.ts';
import { ensureProjectionSchema } from '../consumers/projector.ts';
import { importLines } from '../producers/importer.ts';
import { ndjsonChunks } from '../producers/ndjson.ts';
import { simulate } from '../producers/simulator/index.ts';
import { runReport } from '../reports/runner.ts';
import { loadStandards } from '../schemas/standard.ts';
import { tempDir } from './helpers.ts';
import { caseOf, offer, recordedAt, type ScenarioEvent } from './scenario.ts';

/**
 * The attendance summaries the projector keeps (consumers/projection/summaries.ts) make absence
 * and data-quality fast; they must never change a row. Simulated half-year of both municipalities
 * plus planted registrations that break each attendance rule, imported in small batches so the
 * summaries are merged across many transactions.
 */
const standards = loadStandards();
const lost = caseOf('350', 'sum-lost'); // no application, no service: unknown case, outside service
const split = caseOf('265', 'sum-split'); // two service spells with a gap; one registration in the gap
const PLANTED = [
  offer('265', '2024-01-02', 'sum-offer'),
  lost.attendance('2024-03-05', 'attended', 'sum-offer'),
  lost.attendance('2024-03-06', 'no_show', 'no-such-offer'),
  split.applied('2024-01-03'),
  split.started('2024-02-01', 'sum-offer'),
  split.attendance('2024-02-05', 'attended', 'sum-offer'),
  split.ended('2024-02-29', 'sum-offer'),
  split.attendance('2024-03-12', 'cancelled', 'sum-offer'), // between the spells …
  split.attendance('2024-03-12', 'attended', 'sum-offer'), // … twice on the day: its month's bits cannot count it
  split.started('2024-04-01', 'sum-offer'),
  split.attendance('2024-04-02', 'attended', 'sum-offer'),
];

const PARAMS: Record<string, string>[] = [
  { on: '2024-06-30' },
  { on: '2024-06-30', by: 'month' },
  { on: '2024-06-30', municipality: '265', from: '2024-03-01', to: '2024-04-30' },
  { on: '2024-06-30', by: 'quarter', municipality: '350' },
];

let dir: ReturnType<typeof tempDir>;
let db: Database;

beforeAll(async () => {
  dir = tempDir('sel104-summaries-');
  db = await openDatabase(resolvePaths({ db: dir.db }));
  const simulated = Buffer.concat([...ndjsonChunks(simulate({ from: '2024-01-01', to: '2024-06-30', scale: 1, seed: 11 }))]).toString('utf8');
  const lines = simulated + PLANTED.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const r = await importLines(db, Readable.from([Buffer.from(lines)]), { source: 'summaries', batchSize: 1_000 });
  expect(r.rejected).toBe(0);
}, 120_000);
afterAll(() => {
  db?.close();
  dir?.cleanup();
});

const run = async (name: string, params: Record<string, string>, summaries: boolean) =>
  runReport(db.conn, name, params, { standards, summaries });

describe('attendance summaries', () => {
  it('hold exactly the counts of the registrations after many batches', async () => {
    // what each summary says (its parts added up) against a GROUP BY of the registrations
    const differ = (summary: string, truth: string) => `SELECT count(*) AS n FROM ((${truth} EXCEPT ${summary}) UNION ALL (${summary} EXCEPT ${truth}))`;
    const days = await queryRows(db.conn, differ(
      `SELECT municipality, offer_id, occurred_on, status, n, last_recorded_at FROM (${consolidated('attendance_days')})`,
      `SELECT municipality, offer_id, occurred_on, status, count(*), max(recorded_at) FROM attendance GROUP BY ALL`));
    const pairs = await queryRows(db.conn, differ(
      `SELECT municipality, case_id, offer_id, first_on, last_on, n, last_recorded_at, pair_hash FROM (${consolidated('attendance_pairs')})`,
      `SELECT municipality, case_id, offer_id, min(occurred_on), max(occurred_on), count(*), max(recorded_at), hash(municipality, case_id, offer_id) FROM attendance GROUP BY ALL`));
    // the day bits written out as the days they stand for
    const months = await queryRows(db.conn, differ(
      `SELECT municipality, case_id, offer_id, strftime(month, '%Y-%m'), first_on, last_on, n, last_recorded_at, pair_hash,
              [d FOR d IN range(1, 32) IF (days >> (d - 1)) & 1 = 1] FROM (${consolidated('attendance_pair_months')})`,
      `SELECT municipality, case_id, offer_id, strftime(occurred_on, '%Y-%m'), min(occurred_on), max(occurred_on), count(*), max(recorded_at),
              hash(municipality, case_id, offer_id), list(DISTINCT day(occurred_on) ORDER BY day(occurred_on))
       FROM attendance GROUP BY ALL`));
    expect(Number(days[0]!.n)).toBe(0);
    expect(Number(pairs[0]!.n)).toBe(0);
    expect(Number(months[0]!.n)).toBe(0);
    // the import ran in many batches: more than ten batches of registrations
    expect(Number(await queryValue<bigint>(db.conn, `SELECT count(*) FROM attendance`))).toBeGreaterThan(10_000);
    // and the parts stay within twice the keys (plus the slack) through compaction
    for (const t of SUMMARY_TABLES) {
      expect(Number(await queryValue<bigint>(db.conn, `SELECT count(*) FROM ${t}`))).toBeLessThanOrEqual(
        2 * Number(await queryValue<bigint>(db.conn, `SELECT count(*) FROM (${consolidated(t)})`)) + SLACK,
      );
    }
  });

  it('append a part per batch and compact to one row per key once the parts outgrow the table', async () => {
    const own = tempDir('sel104-summary-parts-');
    const d = await openDatabase(resolvePaths({ db: own.db }));
    try {
      await ensureProjectionSchema(d.conn);
      // a batch of 1,000 pairs with two registrations each, on day k of January
      const batch = (k: number) => `(SELECT '350' AS municipality, 'c' || p AS case_id, 'o' AS offer_id, DATE '2024-01-01' + ${k} AS occurred_on,
        s AS status, TIMESTAMPTZ '2024-02-01 00:00:00+00' + INTERVAL (${k}) MINUTE AS recorded_at
        FROM range(1000) r(p), (VALUES ('attended'), ('no_show')) v(s))`;
      const rows = async () => Number(await queryValue<bigint>(d.conn, `SELECT count(*) FROM attendance_pairs`));
      const perBatch = 1000;
      const batches = Math.floor(SLACK / perBatch);
      for (let k = 1; k <= batches; k++) await summarise(d.conn, batch(k));
      // not compacted yet: one part per pair per batch, and per day × status per batch
      expect(await rows()).toBe(batches * perBatch);
      expect(Number(await queryValue<bigint>(d.conn, `SELECT count(*) FROM attendance_days`))).toBe(batches * 2);
      await summarise(d.conn, batch(batches + 1));
      // the parts passed the slack: one row per pair, holding all of its batches
      expect(await rows()).toBe(perBatch);
      const pair = (await queryRows(d.conn, `SELECT strftime(first_on, '%Y-%m-%d') AS first_on, strftime(last_on, '%Y-%m-%d') AS last_on, n FROM attendance_pairs WHERE case_id = 'c7'`))[0]!;
      expect(pair.first_on).toBe('2024-01-02');
      expect(pair.last_on).toBe(`2024-01-${String(batches + 2).padStart(2, '0')}`);
      expect(Number(pair.n)).toBe(2 * (batches + 1));
    } finally {
      d.close();
      own.cleanup();
    }
  });

  for (const name of ['absence', 'data-quality']) {
    it(`${name}: the same rows from the summaries as from the registrations`, async () => {
      for (const params of PARAMS) {
        const fast = await run(name, params, true);
        // the summaries were read (otherwise this test would compare a path with itself)
        expect(await queryValue<boolean>(db.conn, `SELECT getvariable('attendance_summary')`)).toBe(true);
        expect(await queryValue<boolean>(db.conn, `SELECT getvariable('service_summary')`)).toBe(true);
        const slow = await run(name, params, false);
        expect(await queryValue<boolean>(db.conn, `SELECT getvariable('attendance_summary')`)).toBe(false);
        expect(await queryValue<boolean>(db.conn, `SELECT getvariable('service_summary')`)).toBe(false);
        expect(fast.rows).toEqual(slow.rows);
        expect(fast.rows.length).toBeGreaterThan(0);
      }
    });
  }

  it('data-quality still finds the planted registrations through the summaries', async () => {
    const rows = (await run('data-quality', { on: '2024-06-30' }, true)).rows;
    const check = (m: string, c: string) => rows.find((r) => r.municipality === m && r.check === c)!;
    expect(check('350', 'unknown_case').examples).toContain('sum-lost');
    expect(check('350', 'attendance_outside_service').examples).toContain('sum-lost');
    expect(check('350', 'unknown_offer').examples).toContain('sum-lost');
    expect(check('265', 'attendance_outside_service').examples).toContain('sum-split');
    // the month with two registrations on a day is one whose registrations are read, not its bits
    const march = (await queryRows<{ n: bigint; days: number }>(db.conn,
      `SELECT n, bit_count(days) AS days FROM (${consolidated('attendance_pair_months')}) WHERE case_id = 'sum-split' AND month = DATE '2024-03-01'`))[0]!;
    expect([Number(march.n), Number(march.days)]).toEqual([2, 1]);
    // and both registrations are counted, as the registrations themselves say
    const slow = (await run('data-quality', { on: '2024-06-30', municipality: '265', from: '2024-03-01', to: '2024-03-31' }, false)).rows;
    const fast = (await run('data-quality', { on: '2024-06-30', municipality: '265', from: '2024-03-01', to: '2024-03-31' }, true)).rows;
    expect(fast).toEqual(slow);
  });

  it('an --as-of before the latest registration reads the registrations themselves', async () => {
    const asOf = '2024-03-31T23:59:59+02:00';
    await run('absence', { on: '2024-06-30', asOf }, true);
    expect(await queryValue<boolean>(db.conn, `SELECT getvariable('attendance_summary')`)).toBe(false);
    expect(await queryValue<boolean>(db.conn, `SELECT getvariable('service_summary')`)).toBe(false);
  });

  it('a database projected with an earlier layout of the summaries gets the current one when it is opened', async () => {
    const before = await run('absence', { on: '2024-06-30', by: 'month' }, false);
    // the first layout: one row per key, kept by a primary key (and, here, left empty) …
    await db.conn.run(`DROP TABLE attendance_days`);
    await db.conn.run(`CREATE TABLE attendance_days (municipality VARCHAR NOT NULL, offer_id VARCHAR NOT NULL, occurred_on DATE NOT NULL,
      status VARCHAR NOT NULL, n BIGINT NOT NULL, last_recorded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (municipality, offer_id, occurred_on, status))`);
    // … the second: no months, and each registration with its pair's hash
    await db.conn.run(`DROP TABLE attendance_pair_months`);
    await db.conn.run(`DROP TABLE summary_parts`);
    await db.conn.run(`ALTER TABLE attendance ADD COLUMN pair_hash UBIGINT`);
    await ensureProjectionSchema(db.conn);
    expect(Number(await queryValue<bigint>(db.conn, `SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'attendance_days' AND constraint_type = 'PRIMARY KEY'`))).toBe(0);
    expect(Number(await queryValue<bigint>(db.conn, `SELECT count(*) FROM duckdb_columns() WHERE table_name = 'attendance' AND column_name = 'pair_hash'`))).toBe(0);
    for (const t of SUMMARY_TABLES) {
      expect(Number(await queryValue<bigint>(db.conn, `SELECT sum(n) FROM ${t}`))).toBe(Number(await queryValue<bigint>(db.conn, `SELECT count(*) FROM attendance`)));
    }
    expect((await run('absence', { on: '2024-06-30', by: 'month' }, true)).rows).toEqual(before.rows);
    expect((await run('data-quality', { on: '2024-06-30' }, true)).rows).toEqual((await run('data-quality', { on: '2024-06-30' }, false)).rows);
  });

  it('a database projected before the service spells were kept gets them when it is opened', async () => {
    const spells = `SELECT count(*) AS n, sum(hash(municipality, case_id, offer_id, started_on, ended_on, last_recorded_at)) AS h FROM ${SERVICE_SPELLS_TABLE}`;
    const [kept] = await queryRows<{ n: bigint; h: bigint }>(db.conn, spells);
    expect(Number(kept!.n)).toBeGreaterThan(100);
    await db.conn.run(`DROP TABLE ${SERVICE_SPELLS_TABLE}`);
    await ensureProjectionSchema(db.conn);
    expect(await queryRows(db.conn, spells)).toEqual([kept]);
  });
});

describe('service spells kept by the projector', () => {
  it('hold the spells derived from every start and end, with the latest recordedAt of each case × offer, after many batches', async () => {
    const truth = `SELECT s.*, r.last_recorded_at FROM (${serviceSpellsSql('service_starts', 'service_ends')}) s
      JOIN (SELECT municipality, case_id, offer_id, max(recorded_at) AS last_recorded_at
            FROM (SELECT municipality, case_id, offer_id, recorded_at FROM service_starts
                  UNION ALL SELECT municipality, case_id, offer_id, recorded_at FROM service_ends) GROUP BY ALL) r
      USING (municipality, case_id, offer_id)`;
    const kept = `SELECT municipality, case_id, offer_id, started_on, ended_on, last_recorded_at FROM ${SERVICE_SPELLS_TABLE}`;
    const [d] = await queryRows<{ n: bigint }>(db.conn, `SELECT count(*) AS n FROM ((${truth} EXCEPT ALL ${kept}) UNION ALL (${kept} EXCEPT ALL ${truth}))`);
    expect(Number(d!.n)).toBe(0);
    // the planted case: served 1–29 February, then again from 1 April (no end)
    const split = await queryRows<{ s: string; e: string }>(db.conn,
      `SELECT strftime(started_on, '%Y-%m-%d') AS s, strftime(ended_on, '%Y-%m-%d') AS e FROM ${SERVICE_SPELLS_TABLE} WHERE case_id = 'sum-split' ORDER BY started_on`);
    expect(split).toEqual([{ s: '2024-02-01', e: '2024-02-29' }, { s: '2024-04-01', e: '9999-12-31' }]);
  });

  it('follow each batch: a late end cuts a spell, a restart opens one, a back-dated start moves one', async () => {
    const own = tempDir('sel104-service-spells-');
    const d = await openDatabase(resolvePaths({ db: own.db }));
    const c = caseOf('350', 'late');
    const batches: ScenarioEvent[][] = [
      [offer('350', '2024-01-02', 'o-1'), c.applied('2024-01-03'), c.started('2024-02-01')],
      [recordedAt(c.ended('2024-03-15'), '2024-05-01T09:00:00+02:00')], // recorded late
      [c.started('2024-04-01')],
      [recordedAt(c.started('2024-01-20'), '2024-05-02T09:00:00+02:00')], // back-dated: the first spell starts earlier
    ];
    // worked out by hand from the rule (a start opens a spell unless another start has come since
    // the last end before it; the spell runs to the first end on or after the start)
    const expected = [
      [['2024-02-01', '9999-12-31']],
      [['2024-02-01', '2024-03-15']],
      [['2024-02-01', '2024-03-15'], ['2024-04-01', '9999-12-31']],
      [['2024-01-20', '2024-03-15'], ['2024-04-01', '9999-12-31']],
    ];
    try {
      for (const [i, batch] of batches.entries()) {
        const lines = batch.map((e) => JSON.stringify(e)).join('\n') + '\n';
        const r = await importLines(d, Readable.from([Buffer.from(lines)]), { source: `batch-${i}` });
        expect(r.accepted).toBe(batch.length);
        const spells = await queryRows<{ s: string; e: string }>(d.conn,
          `SELECT strftime(started_on, '%Y-%m-%d') AS s, strftime(ended_on, '%Y-%m-%d') AS e FROM ${SERVICE_SPELLS_TABLE} ORDER BY started_on`);
        expect(spells.map((x) => [x.s, x.e])).toEqual(expected[i]);
      }
      // the latest recordedAt is the back-dated start's
      expect(await queryValue<string>(d.conn, `SELECT DISTINCT strftime(last_recorded_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') FROM ${SERVICE_SPELLS_TABLE}`)).toBe('2024-05-02 07:00');
      // an --as-of before the late end reads the starts and ends: the first spell still open
      const asOf = (await runReport(d.conn, 'data-quality', { on: '2024-06-30', asOf: '2024-04-30T00:00:00+02:00' }, { standards })).rows;
      expect(await queryValue<boolean>(d.conn, `SELECT getvariable('service_summary')`)).toBe(false);
      expect(asOf.length).toBeGreaterThan(0);
      expect(await queryRows(d.conn, `SELECT strftime(started_on, '%Y-%m-%d') AS s, strftime(ended_on, '%Y-%m-%d') AS e FROM service_spells ORDER BY started_on`))
        .toEqual([{ s: '2024-02-01', e: '9999-12-31' }]);
    } finally {
      d.close();
      own.cleanup();
    }
  });
});
