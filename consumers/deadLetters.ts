import type { DuckDBConnection } from '@duckdb/node-api';
import type { Reason } from '../schemas/validate.ts';
import { queryRows, queryValue } from './database.ts';

export interface DeadLetter {
  receivedAt: string;
  source: string;
  line: number;
  reasons: Reason[];
  raw: string;
}

/** The dead-letter store lives in the log file (written with each batch, see producers/embeddedLog.ts). */
export async function listDeadLetters(conn: DuckDBConnection, { limit }: { limit?: number } = {}): Promise<DeadLetter[]> {
  const exists = await queryValue<bigint>(
    conn,
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'log' AND table_name = 'dead_letters'`,
  );
  if (Number(exists) === 0) return [];
  const rows = await queryRows<{ received_at: string; source: string; line: bigint; reasons: string; raw: string }>(
    conn,
    `SELECT strftime(received_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS received_at, source, line, reasons, raw
     FROM log.dead_letters ORDER BY received_at, source, line ${limit ? `LIMIT ${Math.trunc(limit)}` : ''}`,
  );
  return rows.map((r) => ({ receivedAt: r.received_at, source: r.source, line: Number(r.line), reasons: JSON.parse(r.reasons) as Reason[], raw: r.raw }));
}
