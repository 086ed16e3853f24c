import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * A Bloom filter of the log's eventIds, kept in memory by an open log for small batches (a POST). Looking a batch's eventIds up in the log
 * means scanning the log's hashes (60 ms at 6.6 M events); the filter answers "certainly not in
 * the log" for nearly every new eventId without that scan. It never says no to an eventId the log
 * has up to `covers`, so a batch with no "maybe" is known to hold no eventId of the log so far;
 * any "maybe" (a duplicate, or a false positive) sends the batch through the scan as before.
 *
 * Sized for 1.25 times the events at build: 24 bits and 12 probes per event give a false positive
 * for about one eventId in 600,000 when built, one in 70,000 when full (then it is built again),
 * so about 1 POST of 10,000 new events in 60 (1 in 7 when full) still scans. 6.6 M events take
 * 25 MB.
 *
 * The filter hashes eventIds with MD5, not with DuckDB's hash() of `event_hash`: that one gives
 * equal hashes to eventIds that differ in a few characters (measured: "…-0-350-e…" and
 * "…-w-265-e11" of the benchmark's POSTs), and a batch of such eventIds was a "maybe" every other
 * time. Such collisions cost the log's lookup nothing but a candidate row (the eventId decides).
 */
const BITS_PER_EVENT = 24;
const PROBES = 12;
const HEADROOM = 1.25;
const TWO_32 = 4294967296;

export class EventIdFilter {
  private readonly words: Uint32Array;
  private readonly bits: number;
  private count = 0;

  private constructor(readonly capacity: number, covers: number) {
    this.bits = Math.max(1024, Math.ceil(capacity * BITS_PER_EVENT));
    this.words = new Uint32Array(Math.ceil(this.bits / 32));
    this.covers = covers;
  }

  /** Every event of the log at positions ≤ covers is in the filter. */
  covers: number;

  /** The filter of the log's events up to `upTo` (run in the caller's transaction, for one snapshot). */
  static async build(conn: DuckDBConnection, upTo: number): Promise<EventIdFilter> {
    const filter = new EventIdFilter(Math.ceil(upTo * HEADROOM) + 65_536, 0);
    await filter.catchUp(conn, upTo);
    return filter;
  }

  /** Whether another build is due: more events than it was sized for. */
  get full(): boolean {
    return this.count > this.capacity;
  }

  /**
   * Adds the log's events after `covers` up to `upTo` (zone maps skip the log's earlier row
   * groups). Positions are dense, so every one of them must be read: a stream cut short (another
   * statement on the connection) fails rather than leave the filter without some eventIds.
   */
  async catchUp(conn: DuckDBConnection, upTo: number): Promise<void> {
    const from = this.covers;
    if (upTo <= from) return;
    const result = await conn.stream(halves(`SELECT event_id AS id FROM log.events WHERE position > $1 AND position <= $2`), [from, upTo]);
    let read = 0;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const hi = chunk.getColumnVector(0);
      const lo = chunk.getColumnVector(1);
      for (let i = 0; i < chunk.rowCount; i++) this.add(hi.getItem(i) as number, lo.getItem(i) as number);
      read += chunk.rowCount;
    }
    if (read !== upTo - from) throw new Error(`eventId filter: read ${read} events of the log's positions ${from + 1}–${upTo}`);
    this.covers = upTo;
  }

  /** Whether any eventId of the query (one VARCHAR column `id`) may be among those added. */
  async anyOf(conn: DuckDBConnection, ids: string): Promise<boolean> {
    // (no ids, as when every line of a batch was rejected before it had one, gives no columns)
    const [hi = [], lo = []] = (await conn.runAndReadAll(halves(ids))).getColumnsJS() as number[][];
    return hi.some((h, i) => this.mightContain(h, lo[i]!));
  }

  /** Adds one eventId, by two 32-bit parts of its MD5 (`halves`). */
  add(hi: number, lo: number): void {
    const step = (lo | 1) >>> 0;
    let h = hi;
    for (let k = 0; k < PROBES; k++) {
      // bit index: h scaled to [0, bits) (Lemire's multiply-shift, in floating point)
      const bit = Math.floor((h / TWO_32) * this.bits);
      this.words[bit >>> 5]! |= 1 << (bit & 31);
      h = (h + step) >>> 0;
    }
    this.count++;
  }

  /** False: the hash is certainly not among those added. True: it may be. */
  mightContain(hi: number, lo: number): boolean {
    const step = (lo | 1) >>> 0;
    let h = hi;
    for (let k = 0; k < PROBES; k++) {
      const bit = Math.floor((h / TWO_32) * this.bits);
      if ((this.words[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
      h = (h + step) >>> 0;
    }
    return true;
  }
}


/** Two 32-bit parts of the MD5 of each eventId of the query (one VARCHAR column `id`; NULLs left out). */
const halves = (ids: string): string =>
  `SELECT CAST((k >> 64) & 4294967295 AS UINTEGER), CAST(k & 4294967295 AS UINTEGER) FROM (SELECT md5_number(id) AS k FROM (${ids}) WHERE id IS NOT NULL)`;
