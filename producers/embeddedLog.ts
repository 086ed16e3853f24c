import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, queryValue } from '../consumers/database.ts';
import type { Reason } from '../schemas/validate.ts';

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

// Staging lives in the connection's temp catalog: it never reaches disk and is emptied per batch.
const STAGING_DDL = [
  `CREATE OR REPLACE TEMP TABLE log_staging (body VARCHAR)`,
  `CREATE OR REPLACE TEMP TABLE dlq_staging (line BIGINT, reasons VARCHAR, raw VARCHAR)`,
];

export interface AcceptedLine {
  line: number;
  /** The validated event as JSON (current schemaVersion). */
  body: string;
}

export interface RejectedLine {
  line: number;
  reasons: Reason[];
  raw: string;
}

export interface AppendResult {
  accepted: number;
  duplicates: number;
  rejected: number;
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
    for (const ddl of STAGING_DDL) await conn.run(ddl);
    return new EmbeddedLog(conn, logId, last + 1);
  }

  get endPosition(): number {
    return this.nextPosition - 1;
  }

  /**
   * Appends one batch. `accepted` must already be free of eventIds repeated within the batch
   * (the caller counts those as duplicates); here each is checked against the whole log.
   * `ingestedAt` stands in for recordedAt where the source gave none (contract §1).
   */
  async append(source: string, ingestedAt: string, accepted: readonly AcceptedLine[], rejected: readonly RejectedLine[]): Promise<AppendResult> {
    const { conn } = this;
    if (accepted.length > 0) {
      // One value per row crosses into DuckDB; the envelope is extracted there, set-based.
      const app = await conn.createAppender('log_staging', 'main', 'temp');
      for (const a of accepted) {
        app.appendVarchar(a.body);
        app.endRow();
      }
      app.closeSync();
    }
    if (rejected.length > 0) {
      const app = await conn.createAppender('dlq_staging', 'main', 'temp');
      for (const r of rejected) {
        app.appendBigInt(BigInt(r.line));
        app.appendVarchar(JSON.stringify(r.reasons));
        app.appendVarchar(r.raw);
        app.endRow();
      }
      app.closeSync();
    }
    const inserted = await inTransaction(conn, async () => {
      let n = 0;
      if (accepted.length > 0) {
        const res = await conn.run(
          `INSERT INTO log.events
           SELECT $1 + row_number() OVER (ORDER BY s.r) AS position, s.j[1], s.j[2], CAST(s.j[3] AS INTEGER), s.j[4], s.j[5],
                  CAST(s.j[6] AS DATE), CAST(coalesce(s.j[7], $2) AS TIMESTAMPTZ), CAST($2 AS TIMESTAMPTZ), s.j[8],
                  CAST(json_extract(s.body, '$.data') AS VARCHAR)
           FROM (
             SELECT rowid AS r, body,
                    json_extract_string(body, ['$.eventId', '$.type', '$.schemaVersion', '$.municipality', '$.caseId',
                                               '$.occurredOn', '$.recordedAt', '$.source']) AS j
             FROM temp.log_staging
           ) s
           ANTI JOIN log.events e ON e.event_id = s.j[1]`,
          [this.nextPosition - 1, ingestedAt],
        );
        n = res.rowsChanged;
      }
      if (rejected.length > 0) {
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
    }).finally(async () => {
      await conn.run('DELETE FROM temp.log_staging');
      await conn.run('DELETE FROM temp.dlq_staging');
    });
    this.nextPosition += inserted;
    return { accepted: inserted, duplicates: accepted.length - inserted, rejected: rejected.length, position: this.endPosition };
  }
}
