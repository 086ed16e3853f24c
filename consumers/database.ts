import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { Sel104Error, toSel104Error } from '../schemas/errors.ts';

export const DEFAULT_DB = './data/sel104.duckdb';

export interface DatabasePaths {
  /** The projection database (reports read it). */
  db: string;
  /** The embedded log's own DuckDB file: the source of truth. */
  log: string;
}

/** The embedded log sits beside the projection: data/sel104.duckdb → data/sel104.log.duckdb. */
export function resolvePaths({ db = process.env.SEL104_DB ?? DEFAULT_DB, log = process.env.SEL104_LOG_DB }: Partial<DatabasePaths> = {}): DatabasePaths {
  const dbPath = resolve(db);
  // (the log named as the database would get a log of its own beside it, x.log.log.duckdb, and report zeros)
  if (log === undefined && dbPath.endsWith('.log.duckdb')) {
    throw new Sel104Error('SEL104_ERR_USAGE', `${dbPath} is the embedded log; --db names the projection database (${dbPath.replace(/\.log\.duckdb$/, '.duckdb')}), and its log is found beside it`);
  }
  const logPath = resolve(log ?? dbPath.replace(/(\.duckdb)?$/, '.log.duckdb'));
  return { db: dbPath, log: logPath };
}

export interface Database {
  paths: DatabasePaths;
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

/**
 * Opens the projection database with the log attached as `log`. One process owns both files
 * (DuckDB locks them); a transaction writes to one of them only, which is how the log and the
 * projection stay independent: the log commits first, the projection catches up.
 */
/**
 * Refuses a file that is there but is no DuckDB database: DuckDB opens a data file (NDJSON, CSV)
 * named as a database as an in-memory one, so an import into it would be lost and reports zeros.
 */
function checkDuckDbFile(path: string, what: string, option: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new Sel104Error('SEL104_ERR_USAGE', `${path} is a folder; ${option} names the ${what}'s file`);
    size = st.size;
  } catch (err) {
    if (err instanceof Sel104Error) throw err;
    return; // not there yet: created
  }
  // A DuckDB file holds "DUCK" at byte 8; an empty file is no database either
  const head = Buffer.alloc(12);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 12 || head.toString('latin1', 8, 12) !== 'DUCK') {
    throw new Sel104Error('SEL104_ERR_USAGE', `${path} is not a DuckDB database${size === 0 ? ' (it is empty)' : ''}; ${option} names the ${what}, such as data/sel104.duckdb`);
  }
}

export async function openDatabase(paths: DatabasePaths, { memoryLimit = process.env.SEL104_MEMORY_LIMIT ?? '512MB', readOnly = false } = {}): Promise<Database> {
  checkDuckDbFile(paths.db, 'projection database', '--db');
  checkDuckDbFile(paths.log, 'embedded log', 'SEL104_LOG_DB');
  if (!/^\d+(\.\d+)?\s*(B|[KMGT]i?B)$/i.test(memoryLimit.trim())) {
    throw new Sel104Error('SEL104_ERR_USAGE', `SEL104_MEMORY_LIMIT: must be a size such as 512MB or 2GB (got "${memoryLimit}")`);
  }
  if (!readOnly) {
    mkdirSync(dirname(paths.db), { recursive: true });
    mkdirSync(dirname(paths.log), { recursive: true });
  }
  try {
    // Every table that needs an order carries it (position, line, i), and every read that needs
    // one says ORDER BY, so DuckDB may insert in parallel without keeping arrival order.
    const instance = await DuckDBInstance.create(paths.db, {
      memory_limit: memoryLimit,
      preserve_insertion_order: 'false',
      ...(readOnly ? { access_mode: 'READ_ONLY' } : {}),
    });
    const conn = await instance.connect();
    await conn.run(`ATTACH '${paths.log.replaceAll("'", "''")}' AS log${readOnly ? ' (READ_ONLY)' : ''}`);
    return {
      paths,
      instance,
      conn,
      close() {
        conn.closeSync();
        instance.closeSync();
      },
    };
  } catch (err) {
    throw toSel104Error(err);
  }
}

/** Runs a query and returns rows as plain JSON-compatible objects (BIGINT → string avoided for counts). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string, params?: DuckDBValue[]): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as T[];
}

export async function queryValue<T = unknown>(conn: DuckDBConnection, sql: string, params?: DuckDBValue[]): Promise<T> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowsJS()[0]?.[0] as T;
}

/** Runs `fn` inside BEGIN … COMMIT; rolls back on any error. */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await fn();
    await conn.run('COMMIT');
    return out;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
