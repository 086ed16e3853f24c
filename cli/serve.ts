import { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDatabase, queryValue, resolvePaths, type Database } from '../consumers/database.ts';
import { catchUp, ensureProjectionSchema } from '../consumers/projector.ts';
import { parseTokens } from '../dashboards/access.ts';
import { buildServer } from '../dashboards/server.ts';
import { importLines } from '../producers/importer.ts';
import { ndjsonChunks } from '../producers/ndjson.ts';
import { estimateEvents, simulate, type SimulateOptions } from '../producers/simulator/index.ts';
import { Sel104Error } from '../schemas/errors.ts';
import { currentStandards } from './context.ts';

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  demo: boolean;
}

/** The demo is the simulator's defaults, spelled out so the page's figures are reproducible. */
const DEMO: Required<SimulateOptions> = { municipalities: ['350', '265'], from: '2019-01-01', to: '2025-12-31', scale: 1, seed: 1 };

// Without access tokens, anyone who can reach the port can read the data: then only this machine may.
const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

async function logIsEmpty(conn: DuckDBConnection): Promise<boolean> {
  const exists = await queryValue<bigint>(conn, `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'log' AND table_name = 'events'`);
  if (Number(exists) === 0) return true;
  return (await queryValue<bigint | null>(conn, 'SELECT max(position) FROM log.events')) === null;
}

async function importDemo(db: Database): Promise<void> {
  const started = Date.now();
  process.stderr.write(`demo: simulating and importing about ${estimateEvents(DEMO).toLocaleString('en-US')} events (Lejre 350 and Roskilde 265, ${DEMO.from}..${DEMO.to}, scale ${DEMO.scale}, seed ${DEMO.seed}) …\n`);
  const r = await importLines(db, Readable.from(ndjsonChunks(simulate(DEMO))), { source: 'demo' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`demo: received ${r.received}, accepted ${r.accepted}, duplicates ${r.duplicates}, rejected ${r.rejected} in ${seconds} s\n`);
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** `sel104 serve`: opens the database, optionally fills it with demo data, projects, and serves until SIGINT/SIGTERM. */
export async function serve({ db: dbPath, host, port, demo }: ServeOptions): Promise<void> {
  const tokens = parseTokens(process.env.SEL104_TOKENS);
  if (!isLoopback(host) && tokens.size === 0) {
    throw new Sel104Error(
      'SEL104_ERR_USAGE',
      `--host ${host} is not a loopback address: serving beyond this machine requires access tokens (SEL104_TOKENS="TOKEN:read+ingest,…"); or use 127.0.0.1`,
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Sel104Error('SEL104_ERR_USAGE', `--port: must be 0–65535 (got ${port})`);

  const db = await openDatabase(resolvePaths({ db: dbPath }));
  let app: ReturnType<typeof buildServer> | undefined;
  try {
    if (demo && (await logIsEmpty(db.conn))) await importDemo(db);
    await ensureProjectionSchema(db.conn);
    // catchUp needs a log; a server on an empty database still starts and says how to fill it.
    if (!(await logIsEmpty(db.conn))) await catchUp(db.conn);
    app = buildServer({ db, standards: currentStandards(), tokens });
    try {
      await app.listen({ host, port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new Sel104Error('SEL104_ERR_PORT_IN_USE', `port ${port} on ${host} is already in use; stop the other process or choose another with --port`);
      if (code === 'EACCES') throw new Sel104Error('SEL104_ERR_USAGE', `not allowed to listen on port ${port}; choose a port above 1023 with --port`);
      throw err;
    }
  } catch (err) {
    await app?.close().catch(() => undefined);
    db.close();
    throw err;
  }

  const address = app.server.address();
  const actualPort = address && typeof address === 'object' ? address.port : port;
  process.stderr.write(`sel104 serving on http://${urlHost(host)}:${actualPort}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // In-flight requests finish before the database they read is closed.
  await app.close();
  db.close();
  process.stderr.write('sel104 stopped\n');
}
