import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, queryRows, resolvePaths, type Database } from '../consumers/database.ts';
import { PROJECTION_TABLES, ensureProjectionSchema } from '../consumers/projector.ts';
import { SERVICE_SPELLS_TABLE } from '../consumers/projection/serviceSpells.ts';
import { SUMMARY_TABLES, consolidated } from '../consumers/projection/summaries.ts';
import { buildServer, type ServerOptions } from '../dashboards/server.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'sel104.js');

/** A fresh directory for one test's DuckDB files; removed by the returned cleanup. */
export function tempDir(prefix = 'sel104-'): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, db: join(dir, 'sel104.duckdb'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A server over a fresh DuckDB file for the describe block that calls this: `given` fills the file
 * first (a CLI import, say). `db` and `app` are there once the block's beforeAll has run.
 */
export function serverOnFreshDb(options: Omit<ServerOptions, 'db'> = {}, given?: (db: string) => void) {
  const tmp = tempDir('sel104-server-');
  const server = { tmp, db: undefined as unknown as Database, app: undefined as unknown as FastifyInstance };
  beforeAll(async () => {
    given?.(tmp.db);
    server.db = await openDatabase(resolvePaths({ db: tmp.db }));
    // (as `sel104 serve` does before it serves)
    await ensureProjectionSchema(server.db.conn);
    server.app = buildServer({ ...options, db: server.db });
    await server.app.ready();
  });
  afterAll(async () => {
    await server.app?.close();
    server.db?.close();
    tmp.cleanup();
  });
  return server;
}

/** Runs the real CLI in a child process. */
export function cli(args: string[], { db, input, env = {} }: { db?: string; input?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...(db ? { SEL104_DB: db } : {}), ...env },
    maxBuffer: 64 << 20,
  });
}

export async function withDb<T>(db: string, fn: (d: Database) => Promise<T>): Promise<T> {
  const d = await openDatabase(resolvePaths({ db }));
  try {
    return await fn(d);
  } finally {
    d.close();
  }
}

/**
 * Per projection table, attendance summary and the kept service spells: row count and an
 * order-independent digest of every row (each projection row holds its position; summaries have
 * none, and are compared by what they say, one row per key, however the batches cut them into parts).
 */
export async function projectionDigest(db: string, { withoutPosition = false } = {}): Promise<Record<string, { rows: number; digest: string }>> {
  return withDb(db, async ({ conn }) => {
    const out: Record<string, { rows: number; digest: string }> = {};
    for (const t of [...PROJECTION_TABLES, ...SUMMARY_TABLES, SERVICE_SPELLS_TABLE]) {
      const exclude = withoutPosition && PROJECTION_TABLES.includes(t);
      const rows = (SUMMARY_TABLES as readonly string[]).includes(t) ? consolidated(t as (typeof SUMMARY_TABLES)[number]) : `SELECT * ${exclude ? 'EXCLUDE (position)' : ''} FROM ${t}`;
      const [r] = await queryRows<{ n: bigint; h: string | null }>(
        conn,
        `SELECT count(*) AS n, CAST(coalesce(sum(hash(CAST(x AS VARCHAR))), 0) AS VARCHAR) AS h FROM (${rows}) x`,
      );
      out[t] = { rows: Number(r!.n), digest: r!.h ?? '' };
    }
    return out;
  });
}
