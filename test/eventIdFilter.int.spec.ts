import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, resolvePaths, type Database } from '../consumers/database.ts';
import { EmbeddedLog } from '../producers/embeddedLog.ts';
import { EventIdFilter } from '../producers/eventIdFilter.ts';
import { tempDir } from './helpers.ts';

/**
 * The eventId filter of small batches: it must never call an eventId of the log new (that would
 * let a duplicate in), and should call almost every new eventId new (else the scan it saves runs).
 */
describe('eventId filter', () => {
  const tmp = tempDir('sel104-filter-');
  let db: Database;
  // 200,000 events in the log: ids "e-0" … "e-199999", with DuckDB's hash as the log stores it
  const N = 200_000;
  const addEvents = (from: number, to: number) =>
    db.conn.run(
      `INSERT INTO log.events
       SELECT i + 1, 'e-' || i, 'ApplicationReceived', 1, '350', 'c', DATE '2024-01-01', TIMESTAMPTZ '2024-01-01 00:00:00+00',
              TIMESTAMPTZ '2024-01-01 00:00:00+00', 'test', '{}', hash('e-' || i)
       FROM range(${from}, ${to}) r(i)`,
    );
  // how many of the ids from..to-1 the filter calls possibly present
  const maybes = async (filter: EventIdFilter, from: number, to: number) => {
    const answers: boolean[] = [];
    for (let a = from; a < to; a += 10_000) {
      answers.push(await filter.anyOf(db.conn, `SELECT 'e-' || i AS id FROM range(${a}, ${Math.min(to, a + 10_000)}) r(i)`));
    }
    return answers;
  };

  beforeAll(async () => {
    db = await openDatabase(resolvePaths({ db: tmp.db }));
    (await EmbeddedLog.open(db)).close();
    await addEvents(0, N);
  });
  afterAll(() => {
    db?.close();
    tmp.cleanup();
  });

  it('never calls an eventId of the log new', async () => {
    const filter = await EventIdFilter.build(db.conn, N);
    expect(filter.covers).toBe(N);
    // every id of the log, one at a time
    const halves = (await db.conn.runAndReadAll(
      `SELECT CAST((k >> 64) & 4294967295 AS UINTEGER), CAST(k & 4294967295 AS UINTEGER) FROM (SELECT md5_number('e-' || i) AS k FROM range(0, ${N}) r(i))`,
    )).getRowsJS() as [number, number][];
    expect(halves).toHaveLength(N);
    expect(halves.filter(([hi, lo]) => !filter.mightContain(hi, lo))).toEqual([]);
    // and as batches of 10,000
    expect(await maybes(filter, 0, N)).toEqual(Array(N / 10_000).fill(true));
  });

  it('calls nearly every batch of 10,000 new eventIds new', async () => {
    const filter = await EventIdFilter.build(db.conn, N);
    // ids e-1000000 … e-1999999: 100 batches that are not in the log. At about one false positive in
    // 600,000 ids, a batch of 10,000 is a "maybe" with a chance of about 1.6 %.
    const batches = await maybes(filter, 1_000_000, 2_000_000);
    expect(batches.filter(Boolean).length).toBeLessThanOrEqual(8);
  });

  it('takes in events appended after its build when it catches up', async () => {
    const filter = await EventIdFilter.build(db.conn, N);
    await addEvents(N, N + 1000);
    // not yet: e-200000 … e-200999 were appended after the build
    expect(await filter.anyOf(db.conn, `SELECT 'e-' || i AS id FROM range(${N}, ${N + 1000}) r(i)`)).toBe(false);
    await filter.catchUp(db.conn, N + 1000);
    expect(filter.covers).toBe(N + 1000);
    for (let i = N; i < N + 1000; i += 50) expect(await filter.anyOf(db.conn, `SELECT 'e-' || ${i} AS id`)).toBe(true);
  });
});
