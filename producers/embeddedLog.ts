import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, queryValue, type Database } from '../consumers/database.ts';
import { checkStaged, checkedTable, dlqTable, idHashTable, knownTable, prepareStaging, prepared, rawLines, releaseSlot, SMALL_BATCH, stageLines, BatchStager, type BulkVerdicts, type RejectedLine, type Slot, type StagedBatch } from './bulkValidation.ts';
import { keyOfLine } from './inputKey.ts';
import { EventIdFilter } from './eventIdFilter.ts';
import { SIMULATED_SOURCE_PREFIX } from './simulator/profiles.ts';
import type { LineBatch } from './lines.ts';
import { sqlTimestamp } from '../schemas/primitives.ts';

/**
 * The embedded log: an append-only table in its own DuckDB file (attached as `log`).
 * The envelope is kept in columns and `data` as JSON text, so the log holds each fact once.
 * Each accepted event is stored once with a gap-free, increasing position; an eventId seen
 * before is a duplicate and is not stored. Rejected lines go to `log.dead_letters` in the
 * same transaction as the accepted lines of their batch, so a crash keeps both or neither.
 *
 * `event_hash` is DuckDB's hash(event_id). Looking a batch up by it scans 8 bytes a row instead of
 * a string (eventIds are spread over every row group, so zone maps cannot skip any); it only
 * finds candidates, and the eventId itself decides, so a collision never makes a duplicate.
 */
const LOG_DDL = [
  `CREATE TABLE IF NOT EXISTS log.meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS log.events (
    position BIGINT NOT NULL,
    event_id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    schema_version INTEGER NOT NULL,
    municipality VARCHAR NOT NULL,
    case_id VARCHAR,
    occurred_on DATE NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL,
    source VARCHAR,
    data VARCHAR NOT NULL,
    event_hash UBIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS log.dead_letters (
    received_at TIMESTAMPTZ NOT NULL,
    source VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    reasons VARCHAR NOT NULL,
    raw VARCHAR NOT NULL
  )`,
  // which input the line came from (producers/inputKey.ts); a store from before it has none
  `ALTER TABLE log.dead_letters ADD COLUMN IF NOT EXISTS input_key VARCHAR`,
];

/** The dead-letter store, in the log file; the Kafka projector fills it from the dead-letter topic. */
/**
 * Whether the embedded log holds events of the simulator (the demo, `sel104 simulate`): the pages
 * and the council report then say that their figures are simulated. False without an embedded
 * log (Kafka).
 */
export async function holdsSimulatedEvents(conn: DuckDBConnection): Promise<boolean> {
  try {
    return (await queryValue<boolean>(conn, `SELECT EXISTS (SELECT 1 FROM log.events WHERE starts_with(source, '${SIMULATED_SOURCE_PREFIX}'))`)) === true;
  } catch {
    return false;
  }
}

export async function ensureDeadLetterStore(conn: DuckDBConnection): Promise<void> {
  await conn.run(LOG_DDL[2]!);
  await conn.run(LOG_DDL[3]!);
}

export interface AppendResult {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: RejectedLine[];
  /** Log position of the last accepted event after this append. */
  position: number;
}

/** A batch checked in its staging slot, waiting for its commit. */
export interface CheckedBatch {
  slot: Slot;
  received: number;
  verdicts: BulkVerdicts;
  /** The log's position when its events with the batch's eventId hashes were looked up (a small batch's). */
  knownUpTo?: number;
}

/** Staging slots: one being filled, one being checked, one being committed. */
export const SLOTS = 3;

/**
 * The duplicate check. The commit appends a batch's valid events, the first of each eventId,
 * unless the log holds the eventId: the log's events with the hash of one of the batch's
 * eventIds are the candidates, and the eventId decides (a collision of hashes never makes a
 * duplicate). Finding them is a scan of the log. For a large batch the commit does it; a small
 * batch is what a caller waits for, so its eventIds, read from its raw lines, are looked up while
 * it is checked, on a connection of their own. Its commit then looks up only the events appended
 * since, and any eventId the lookup did not have (a line zod read otherwise than SQL).
 */
const batchIdHashes = (slot: Slot) => `SELECT h FROM (SELECT TRY(hash(json_extract_string(body, '$.eventId'))) AS h FROM ${rawLines(slot)}) WHERE h IS NOT NULL`;
const idHashesSql = (slot: Slot) => `INSERT INTO ${idHashTable(slot)} SELECT DISTINCT h FROM (${batchIdHashes(slot)})`;
// The hashes are read from the lines again rather than from their table: DuckDB pushes a Bloom
// filter of a join's smaller side into the scan of the log only when that side is filtered,
// and the scan then materialises about 1 % of the log's eventIds instead of all of them.
const knownSql = (slot: Slot) =>
  `INSERT INTO ${knownTable(slot)} SELECT e.event_id FROM log.events e SEMI JOIN (${batchIdHashes(slot)}) b ON e.event_hash = b.h`;
/**
 * $1: the log's position before the batch, $2: the ingestion time, $3: the position the lookup saw ($1 without one).
 * A line the SQL check was unsure of has two rows in checked: its own, not ok, and zod's; only
 * the ok row is appended (both were: `"schemaVersion":1.0` was stored twice).
 * The accepted lines are found by their index alone and numbered there: numbering the whole rows
 * would sort their text too (measured: 0.2 s instead of 0.35–0.5 s for 250,000 events).
 */
const appendSql = (slot: Slot) => `INSERT INTO log.events (position, event_id, type, schema_version, municipality, case_id, occurred_on, recorded_at, ingested_at, source, data, event_hash)
  WITH accepted AS (
    SELECT c.i FROM (SELECT i, event_id FROM ${checkedTable(slot)} WHERE ok QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY i) = 1) c
    ANTI JOIN (
      SELECT event_id FROM ${knownTable(slot)}
      UNION ALL
      SELECT event_id FROM log.events WHERE position > $3
      UNION ALL
      SELECT e.event_id FROM log.events e SEMI JOIN (
        SELECT hash(b.event_id) AS h FROM ${checkedTable(slot)} b ANTI JOIN ${idHashTable(slot)} l ON l.h = hash(b.event_id) WHERE b.ok
      ) m ON e.event_hash = m.h
    ) seen ON seen.event_id = c.event_id
  ),
  numbered AS (SELECT i, row_number() OVER (ORDER BY i) AS n FROM accepted)
  SELECT $1 + a.n AS position, c.event_id, c.type, CAST(c.schema_version AS INTEGER),
         c.municipality, c.case_id, CAST(c.occurred_on AS DATE), ${sqlTimestamp('coalesce(c.recorded_at, $2)')},
         CAST($2 AS TIMESTAMPTZ), c.source, c.data, hash(c.event_id) AS event_hash
  FROM ${checkedTable(slot)} c JOIN numbered a ON a.i = c.i AND c.ok`;
const bySlot = (sql: (slot: Slot) => string): Record<Slot, string> => ({ 0: sql(0), 1: sql(1), 2: sql(2) });
/** A batch's eventIds as SQL reads them (for the eventId filter). */
const BATCH_IDS_SQL = bySlot((slot) => `SELECT TRY(json_extract_string(body, '$.eventId')) AS id FROM ${rawLines(slot)}`);
const ID_HASHES_SQL = bySlot(idHashesSql);
const KNOWN_SQL = bySlot(knownSql);
const APPEND_SQL = bySlot(appendSql);

export class EmbeddedLog {
  private constructor(
    /** Appends batches' lines to the staging slots. */
    private readonly stager: DuckDBConnection,
    /** Checks staged batches (validation in bulk). */
    private readonly checker: DuckDBConnection,
    /** Commits checked batches to the log, one at a time and in order. */
    private readonly writer: DuckDBConnection,
    /** Looks the log up for a batch's eventIds while it is checked. */
    private readonly lookup: DuckDBConnection,
    readonly logId: string,
    private end: number,
  ) {}

  /** Per slot, the emptying that follows its last commit (on the writer, off the commit's path). */
  private readonly released: Promise<void>[] = Array.from({ length: SLOTS }, () => Promise.resolve());
  private releasing: Promise<void> = Promise.resolve();

  static async open(db: Database): Promise<EmbeddedLog> {
    const { conn } = db;
    for (const ddl of LOG_DDL) await conn.run(ddl);
    let logId = await queryValue<string | undefined>(conn, `SELECT value FROM log.meta WHERE key = 'log_id'`);
    if (!logId) {
      logId = randomUUID();
      await conn.run(`INSERT INTO log.meta VALUES ('log_id', $1), ('created_at', CAST(now() AS VARCHAR))`, [logId]);
    }
    await ensureEventHashes(conn);
    const last = await endPosition(conn);
    for (let slot = 0; slot < SLOTS; slot++) await prepareStaging(conn, slot as Slot);
    const [stager, checker, writer, lookup] = await Promise.all([db.instance.connect(), db.instance.connect(), db.instance.connect(), db.instance.connect()]);
    return new EmbeddedLog(stager, checker, writer, lookup, logId, last);
  }

  /** Resolves once no slot is being emptied: nothing runs on the log's connections then. */
  async idle(): Promise<void> {
    await Promise.all(this.released.map((r) => r.catch(() => undefined)));
  }

  /** Closes the connections; call after idle(). */
  close(): void {
    this.stager.closeSync();
    this.checker.closeSync();
    this.writer.closeSync();
    this.lookup.closeSync();
  }

  /** Log position of the last event this log appended, or found at open. */
  get endPosition(): number {
    return this.end;
  }

  /** Step 1: stages a batch's lines in `slot`, which must be free (its previous batch committed). */
  async stage(slot: Slot, batch: LineBatch): Promise<StagedBatch> {
    await this.released[slot];
    return stageLines(this.stager, slot, batch);
  }

  /** Step 1, piece by piece: a stager for `slot`, once it is free. */
  async beginStage(slot: Slot): Promise<BatchStager> {
    await this.released[slot];
    return new BatchStager(this.stager, slot);
  }

  /** Step 2: validates a staged batch in bulk; a small batch's eventIds are looked up in the log meanwhile. */
  async check(staged: StagedBatch): Promise<CheckedBatch> {
    const { slot, received } = staged;
    const lookingUp = received <= SMALL_BATCH ? this.lookUp(slot) : Promise.resolve(undefined);
    // (handled from the start: a lookup that fails while the check still runs is no unhandled
    // rejection, which would end the process with a stack trace; its error is thrown below)
    lookingUp.catch(() => undefined);
    // Both end before either's outcome counts: a failed batch leaves nothing running on the log's connections.
    const verdicts = await checkStaged(this.checker, staged).finally(() => lookingUp.catch(() => undefined));
    return { slot, received, verdicts, knownUpTo: await lookingUp };
  }

  /** The log's eventIds as a Bloom filter, for small batches (keepEventIds). */
  private eventIds?: EventIdFilter;

  /**
   * Keeps the log's eventIds in memory as a Bloom filter (eventIdFilter.ts), so that a small batch
   * of new events is known to be new without a scan of the log. For a long-lived log taking many
   * small batches (the server's POSTs): the build reads every eventId hash once (about 3 s and
   * 25 MB at 6.6 M events).
   */
  async keepEventIds(): Promise<void> {
    if (this.eventIds) return;
    const conn = this.lookup;
    this.eventIds = await inTransaction(conn, async () => EventIdFilter.build(conn, await endPosition(conn, this.end)));
  }

  /**
   * Fills the slot's eventId hashes and the log's events with one; returns the position they are
   * as of. With the eventId filter, the log is scanned only if one of the batch's eventIds may be
   * in it (a duplicate, or one false positive in about a million eventIds).
   */
  private lookUp(slot: Slot): Promise<number> {
    const conn = this.lookup;
    return inTransaction(conn, async () => {
      // One transaction: one snapshot of the log for its end and its events.
      const upTo = await endPosition(conn, this.end);
      await (await prepared(conn, ID_HASHES_SQL[slot])).run();
      if (this.eventIds?.full) this.eventIds = await EventIdFilter.build(conn, upTo);
      if (this.eventIds) {
        await this.eventIds.catchUp(conn, upTo);
        if (!(await this.eventIds.anyOf(conn, BATCH_IDS_SQL[slot]))) return upTo;
      }
      // Planned anew each time: prepared once, this statement kept about 0.4 MB of join state
      // per run (DuckDB 1.5), which a server's POSTs would pile up.
      await conn.run(KNOWN_SQL[slot]);
      return upTo;
    });
  }

  /**
   * Step 3: appends a checked batch. Valid events whose eventId is already in the log, or earlier
   * in the batch, are duplicates. `ingestedAt` stands in for a missing recordedAt (contract §1).
   * Accepted events and dead letters commit in one transaction; then the slot is emptied, while
   * the caller goes on (projecting, say): staging in the slot again waits for it.
   */
  /** `inputKeys`: the input's keys so far (InputKeys.list), which identify its dead letters. */
  async commit({ slot, received, verdicts, knownUpTo }: CheckedBatch, source: string, ingestedAt: string, inputKeys = ''): Promise<AppendResult> {
    const conn = this.writer;
    await this.releasing.catch(() => undefined);
    try {
      const { start, inserted } = await inTransaction(conn, async () => {
        // Read in the transaction that appends: another EmbeddedLog of this database may have appended since.
        const start = await endPosition(conn, this.end);
        let n = 0;
        if (verdicts.valid > 0) {
          const append = await prepared(conn, APPEND_SQL[slot]);
          append.bind([start, ingestedAt, knownUpTo ?? start]);
          const res = await append.run();
          n = res.rowsChanged;
        }
        if (verdicts.rejected.length > 0) {
          await conn.run(
            // The same line of the same input rejected again (an import run again after a crash,
            // under whatever name; a POST sent again) is kept once.
            `INSERT INTO log.dead_letters (received_at, source, line, reasons, raw, input_key)
             SELECT CAST($1 AS TIMESTAMPTZ), $2, s.line, s.reasons, s.raw, ${keyOfLine('$3', 's.line')} FROM ${dlqTable(slot)} s
             ANTI JOIN log.dead_letters d ON d.input_key = ${keyOfLine('$3', 's.line')} AND d.line = s.line AND d.raw = s.raw
             ORDER BY s.line`,
            [ingestedAt, source, inputKeys],
          );
        }
        return { start, inserted: n };
      });
      this.end = start + inserted;
      return { received, accepted: inserted, duplicates: verdicts.valid - inserted, rejected: verdicts.rejected, position: this.end };
    } finally {
      this.released[slot] = this.releasing = releaseSlot(conn, slot, received);
      // A failed emptying surfaces when the slot is staged again.
      this.releasing.catch(() => undefined);
    }
  }
}

/**
 * The log's last position. `reached`, a position the log is known to have reached, lets zone maps
 * skip all but its last row groups (a full max() takes 8 ms at 6.5 M events).
 */
async function endPosition(conn: DuckDBConnection, reached = 0): Promise<number> {
  const from = Math.trunc(reached);
  return Number(await queryValue<bigint>(conn, `SELECT coalesce(max(position), ${from}) FROM log.events WHERE position >= ${from}`));
}

/**
 * Fills `event_hash` where it is missing or stale: a log written before the column existed gets
 * it here, once, and should an upgrade of DuckDB change hash(), the newest events show it and
 * every hash is computed again (a stale hash would let a duplicate through).
 */
async function ensureEventHashes(conn: DuckDBConnection): Promise<void> {
  const column = await queryValue<boolean | undefined>(
    conn,
    `SELECT is_nullable FROM duckdb_columns() WHERE database_name = 'log' AND table_name = 'events' AND column_name = 'event_hash'`,
  );
  const end = await endPosition(conn);
  const stale =
    column === undefined ||
    Number(await queryValue<bigint>(conn, `SELECT count(*) FROM log.events WHERE position > $1 AND event_hash IS DISTINCT FROM hash(event_id)`, [end - 1000])) > 0;
  if (stale) {
    await inTransaction(conn, async () => {
      if (column === undefined) await conn.run(`ALTER TABLE log.events ADD COLUMN event_hash UBIGINT`);
      await conn.run(`UPDATE log.events SET event_hash = hash(event_id)`);
    });
    // Until a checkpoint, every scan merges the updated values in: twice as slow.
    await conn.run('CHECKPOINT log');
  }
  // DuckDB sets NOT NULL only outside the transaction that filled the column.
  if (column !== false) await conn.run(`ALTER TABLE log.events ALTER COLUMN event_hash SET NOT NULL`);
}
