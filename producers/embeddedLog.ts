import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, queryValue, type Database } from '../consumers/database.ts';
import { checkStaged, checkedTable, dlqTable, prepareStaging, stageLines, type BulkVerdicts, type RejectedLine, type Slot, type StagedBatch } from './bulkValidation.ts';
import type { NumberedLine } from './lines.ts';

/**
 * The embedded log: an append-only table in its own DuckDB file (attached as `log`).
 * The envelope is kept in columns and `data` as JSON text, so the log holds each fact once.
 * Each accepted event is stored once with a gap-free, increasing position; an eventId seen
 * before is a duplicate and is not stored. Rejected lines go to `log.dead_letters` in the
 * same transaction as the accepted lines of their batch, so a crash keeps both or neither.
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
    data VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS log.dead_letters (
    received_at TIMESTAMPTZ NOT NULL,
    source VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    reasons VARCHAR NOT NULL,
    raw VARCHAR NOT NULL
  )`,
];

/** The dead-letter store, in the log file; the Kafka projector fills it from the dead-letter topic. */
export async function ensureDeadLetterStore(conn: DuckDBConnection): Promise<void> {
  await conn.run(LOG_DDL[2]!);
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
}

/** Staging slots: one being filled, one being checked, one being committed. */
export const SLOTS = 3;

export class EmbeddedLog {
  private constructor(
    /** Appends batches' lines to the staging slots. */
    private readonly stager: DuckDBConnection,
    /** Checks staged batches (validation in bulk). */
    private readonly checker: DuckDBConnection,
    /** Commits checked batches to the log, one at a time and in order. */
    private readonly writer: DuckDBConnection,
    readonly logId: string,
    private nextPosition: number,
  ) {}

  static async open(db: Database): Promise<EmbeddedLog> {
    const { conn } = db;
    for (const ddl of LOG_DDL) await conn.run(ddl);
    let logId = await queryValue<string | undefined>(conn, `SELECT value FROM log.meta WHERE key = 'log_id'`);
    if (!logId) {
      logId = randomUUID();
      await conn.run(`INSERT INTO log.meta VALUES ('log_id', $1), ('created_at', CAST(now() AS VARCHAR))`, [logId]);
    }
    const last = Number(await queryValue<bigint | null>(conn, `SELECT coalesce(max(position), 0) FROM log.events`));
    for (let slot = 0; slot < SLOTS; slot++) await prepareStaging(conn, slot as Slot);
    const [stager, checker, writer] = await Promise.all([db.instance.connect(), db.instance.connect(), db.instance.connect()]);
    return new EmbeddedLog(stager, checker, writer, logId, last + 1);
  }

  close(): void {
    this.stager.closeSync();
    this.checker.closeSync();
    this.writer.closeSync();
  }

  get endPosition(): number {
    return this.nextPosition - 1;
  }

  /** Step 1: stages a batch's lines in `slot`, which must be free (its previous batch committed). */
  stage(slot: Slot, lines: readonly NumberedLine[]): Promise<StagedBatch> {
    return stageLines(this.stager, slot, lines);
  }

  /** Step 2: validates a staged batch in bulk. */
  async check(staged: StagedBatch): Promise<CheckedBatch> {
    return { slot: staged.slot, received: staged.received, verdicts: await checkStaged(this.checker, staged) };
  }

  /**
   * Step 3: appends a checked batch. Valid events whose eventId is already in the log, or earlier
   * in the batch, are duplicates. `ingestedAt` stands in for a missing recordedAt (contract §1).
   * Accepted events and dead letters commit in one transaction; then the slot is emptied.
   */
  async commit({ slot, received, verdicts }: CheckedBatch, source: string, ingestedAt: string): Promise<AppendResult> {
    const conn = this.writer;
    try {
      const inserted = await inTransaction(conn, async () => {
        let n = 0;
        if (verdicts.valid > 0) {
          const res = await conn.run(
            `INSERT INTO log.events
             SELECT $1 + row_number() OVER (ORDER BY c.i) AS position, c.event_id, c.type, CAST(c.schema_version AS INTEGER),
                    c.municipality, c.case_id, CAST(c.occurred_on AS DATE), CAST(coalesce(c.recorded_at, $2) AS TIMESTAMPTZ),
                    CAST($2 AS TIMESTAMPTZ), c.source, c.data
             FROM (SELECT * FROM ${checkedTable(slot)} WHERE ok QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY i) = 1) c
             ANTI JOIN log.events e ON e.event_id = c.event_id`,
            [this.nextPosition - 1, ingestedAt],
          );
          n = res.rowsChanged;
        }
        if (verdicts.rejected.length > 0) {
          await conn.run(
            // The same line of the same source rejected again (an import re-run after a crash) is kept once.
            `INSERT INTO log.dead_letters
             SELECT CAST($1 AS TIMESTAMPTZ), $2, s.line, s.reasons, s.raw FROM ${dlqTable(slot)} s
             ANTI JOIN log.dead_letters d ON d.source = $2 AND d.line = s.line AND d.raw = s.raw
             ORDER BY s.line`,
            [ingestedAt, source],
          );
        }
        return n;
      });
      this.nextPosition += inserted;
      return { received, accepted: inserted, duplicates: verdicts.valid - inserted, rejected: verdicts.rejected, position: this.endPosition };
    } finally {
      await prepareStaging(conn, slot);
    }
  }
}
