import type { DuckDBConnection } from '@duckdb/node-api';
import { Sel104Error } from '../schemas/errors.ts';
import { queryValue } from './database.ts';

/** Reading side of the embedded log (see producers/embeddedLog.ts for the writing side). */

export async function logIdentity(conn: DuckDBConnection): Promise<string> {
  const exists = await queryValue<bigint>(
    conn,
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'log' AND table_name = 'meta'`,
  );
  const id = Number(exists) > 0 ? await queryValue<string | undefined>(conn, `SELECT value FROM log.meta WHERE key = 'log_id'`) : undefined;
  if (!id) throw new Sel104Error('SEL104_ERR_USAGE', 'the embedded log is empty: import events first ("sel104 import FILE")');
  return id;
}

export async function logEndPosition(conn: DuckDBConnection): Promise<number> {
  return Number((await queryValue<bigint | null>(conn, `SELECT max(position) FROM log.events`)) ?? 0);
}

/** A relation over the log positions (from, to]; DuckDB's zone maps on position keep it cheap. */
export const logRange = (from: number, to: number): string =>
  `(SELECT * FROM log.events WHERE position > ${Math.trunc(from)} AND position <= ${Math.trunc(to)})`;
