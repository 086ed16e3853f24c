import { existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDatabase, queryValue, resolvePaths, type Database } from '../consumers/database.ts';
import { catchUp, ensureProjectionSchema } from '../consumers/projector.ts';
import { parseTokens } from '../dashboards/access.ts';
import { buildServer } from '../dashboards/server.ts';
import { importLines } from '../producers/importer.ts';
import { ndjsonChunks } from '../producers/ndjson.ts';
import { estimateEvents, simulate, type SimulateOptions } from '../producers/simulator/index.ts';
import { KafkaProjector } from '../consumers/kafkaProjector.ts';
import { ProjectorSupervisor } from '../consumers/projectorSupervisor.ts';
import { kafkaPipeline, openEmbeddedIngest, type Pipeline } from '../dashboards/pipeline.ts';
import { kafkaSettings } from '../producers/kafka.ts';
import { Sel104Error, toSel104Error } from '../schemas/errors.ts';
import { currentStandards } from './context.ts';

export const DEFAULT_PORT = 8104;

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  demo: boolean;
  log?: 'embedded' | 'kafka';
  /** With Kafka: serve the copy a separate projector publishes instead of projecting here. */
  published?: string;
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
  process.stderr.write(`demo: simulating and importing about ${(Math.round(estimateEvents(DEMO) / 5_000) * 5_000).toLocaleString('en-US')} events (Lejre 350 and Roskilde 265, ${DEMO.from}..${DEMO.to}, scale ${DEMO.scale}, seed ${DEMO.seed}) …\n`);
  const r = await importLines(db, Readable.from(ndjsonChunks(simulate(DEMO))), { source: 'demo' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`demo: received ${r.received}, accepted ${r.accepted}, duplicates ${r.duplicates}, rejected ${r.rejected} in ${seconds} s\n`);
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** `sel104 serve`: opens the database, optionally fills it with demo data, projects, and serves until SIGINT/SIGTERM. */
export async function serve({ db: dbPath, host, port, demo, log = 'embedded', published }: ServeOptions): Promise<void> {
  const tokens = parseTokens(process.env.SEL104_TOKENS);
  if (!isLoopback(host) && tokens.size === 0) {
    throw new Sel104Error(
      'SEL104_ERR_USAGE',
      `--host ${host} is not a loopback address: serving beyond this machine requires access tokens (SEL104_TOKENS="TOKEN:read+ingest,…"); or use 127.0.0.1`,
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Sel104Error('SEL104_ERR_USAGE', `--port: must be 0–65535 (got ${port})`);

  if (demo && log === 'kafka') throw new Sel104Error('SEL104_ERR_USAGE', '--demo fills the embedded log; with Kafka, import events with "sel104 import FILE --log kafka"');
  const source = published ? await waitForPublished(published) : undefined;
  const db = source ? await source.open() : await openDatabase(resolvePaths({ db: dbPath }));
  let app: ReturnType<typeof buildServer> | undefined;
  let pipeline: Pipeline | undefined;
  let projector: ProjectorSupervisor | undefined;
  try {
    if (log === 'kafka') {
      const settings = kafkaSettings();
      if (!source) {
        await ensureProjectionSchema(db.conn);
        projector = new ProjectorSupervisor(() => new KafkaProjector(db.conn, settings));
        await projector.start();
      }
      pipeline = kafkaPipeline(settings, projector);
    } else {
      if (demo && (await logIsEmpty(db.conn))) await importDemo(db);
      await ensureProjectionSchema(db.conn);
      // catchUp needs a log; a server on an empty database still starts and says how to fill it.
      if (!(await logIsEmpty(db.conn))) await catchUp(db.conn);
      // The log POSTs append to, with its eventIds in memory (a few seconds for millions of events).
      if (!source) await openEmbeddedIngest(db);
    }
    app = buildServer({ db, standards: currentStandards(), tokens, pipeline, refresh: source?.refresh });
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
    await projector?.stop().catch(() => undefined);
    await pipeline?.close().catch(() => undefined);
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
  // In-flight requests finish, and the projector commits its batch, before the database is closed.
  await app.close();
  await projector?.stop().catch(() => undefined);
  await pipeline?.close().catch(() => undefined);
  (source?.current() ?? db).close();
  process.stderr.write('sel104 stopped\n');
}

/** The published copy of a separate projector's database, reopened (read-only) when it changes. */
async function waitForPublished(file: string) {
  const paths = resolvePaths({ db: file });
  let said = false;
  while (!existsSync(paths.db)) {
    if (!said) process.stderr.write(`sel104: waiting for the projector to publish ${paths.db} …\n`);
    said = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  let current: Database | undefined;
  let mtime = 0;
  let checked = 0;
  const open = async (): Promise<Database> => {
    mtime = statSync(paths.db).mtimeMs;
    return (current = await openDatabase(paths, { readOnly: true }));
  };
  return {
    open,
    current: () => current!,
    /** At most once a second: a new copy → a new read-only database. */
    refresh: async (): Promise<Database | undefined> => {
      if (Date.now() - checked < 1000) return undefined;
      checked = Date.now();
      const m = existsSync(paths.db) ? statSync(paths.db).mtimeMs : mtime;
      return m !== mtime ? open() : undefined;
    },
  };
}
