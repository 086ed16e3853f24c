import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, queryValue } from '../consumers/database.ts';
import { clearStaging, prepareStaging, validateInBulk, type RejectedLine } from './bulkValidation.ts';
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

const DLQ_STAGING_DDL = `CREATE OR REPLACE TEMP TABLE dlq_staging (line BIGINT, reasons VARCHAR, raw VARCHAR)`;

export interface AppendResult {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: RejectedLine[];
  /** Log position of the last accepted event after this append. */
  position: number;
}

export class EmbeddedLog {
  private constructor(
    private readonly conn: DuckDBConnection,
    readonly logId: string,
    private nextPosition: number,
  ) {}

  static async open(conn: DuckDBConnection): Promise<EmbeddedLog> {
    for (const ddl of LOG_DDL) await conn.run(ddl);
    let logId = await queryValue<string | undefined>(conn, `SELECT value FROM log.meta WHERE key = 'log_id'`);
    if (!logId) {
      logId = randomUUID();
      await conn.run(`INSERT INTO log.meta VALUES ('log_id', $1), ('created_at', CAST(now() AS VARCHAR))`, [logId]);
    }
    const last = Number(await queryValue<bigint | null>(conn, `SELECT coalesce(max(position), 0) FROM log.events`));
    await prepareStaging(conn);
    await conn.run(DLQ_STAGING_DDL);
    return new EmbeddedLog(conn, logId, last + 1);
  }

  get endPosition(): number {
    return this.nextPosition - 1;
  }

  /**
   * Validates and appends one batch of lines. Valid events whose eventId is already in the log,
   * or earlier in the batch, are duplicates. `ingestedAt` stands in for a missing recordedAt
   * (contract §1). Accepted events and dead letters commit in one transaction.
   */
  async append(source: string, ingestedAt: string, lines: readonly NumberedLine[]): Promise<AppendResult> {
    const { conn } = this;
    try {
      const verdicts = await validateInBulk(conn, lines);
      if (verdicts.rejected.length > 0) {
        const app = await conn.createAppender('dlq_staging', 'main', 'temp');
        for (const r of verdicts.rejected) {
          app.appendBigInt(BigInt(r.line));
          app.appendVarchar(JSON.stringify(r.reasons));
          app.appendVarchar(r.raw);
          app.endRow();
        }
        app.closeSync();
      }
      const inserted = await inTransaction(conn, async () => {
        let n = 0;
        if (verdicts.valid > 0) {
          const res = await conn.run(
            `INSERT INTO log.events
             SELECT $1 + row_number() OVER (ORDER BY c.i) AS position, c.event_id, c.type, CAST(c.schema_version AS INTEGER),
                    c.municipality, c.case_id, CAST(c.occurred_on AS DATE), CAST(coalesce(c.recorded_at, $2) AS TIMESTAMPTZ),
                    CAST($2 AS TIMESTAMPTZ), c.source, c.data
             FROM (SELECT * FROM temp.checked WHERE ok QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY i) = 1) c
             ANTI JOIN log.events e ON e.event_id = c.event_id`,
            [this.nextPosition - 1, ingestedAt],
          );
          n = res.rowsChanged;
        }
        if (verdicts.rejected.length > 0) {
          await conn.run(
            // The same line of the same source rejected again (an import re-run after a crash) is kept once.
            `INSERT INTO log.dead_letters
             SELECT CAST($1 AS TIMESTAMPTZ), $2, s.line, s.reasons, s.raw FROM temp.dlq_staging s
             ANTI JOIN log.dead_letters d ON d.source = $2 AND d.line = s.line AND d.raw = s.raw
             ORDER BY s.line`,
            [ingestedAt, source],
          );
        }
        return n;
      });
      this.nextPosition += inserted;
      return {
        received: lines.length,
        accepted: inserted,
        duplicates: verdicts.valid - inserted,
        rejected: verdicts.rejected,
        position: this.endPosition,
      };
    } finally {
      await clearStaging(conn);
      await conn.run(DLQ_STAGING_DDL);
    }
  }
}
