import { Readable } from 'node:stream';
import type { Database } from '../consumers/database.ts';
import type { ProjectorHealth } from '../consumers/projectorSupervisor.ts';
import type { EmbeddedLog } from '../producers/embeddedLog.ts';
import { importLines, openForImport, type ImportResult } from '../producers/importer.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Admin } from 'kafkajs';
import { queryRows } from '../consumers/database.ts';
import { Sel104Error, toSel104Error } from '../schemas/errors.ts';
import { kafkaClient, withinDeadline, type KafkaSettings } from '../producers/kafka.ts';
import { KafkaIngest } from '../producers/kafkaImporter.ts';
import { positions as embeddedPositions, type Positions } from './overview.ts';

/**
 * What the server needs from the log behind it: taking events in, and where the log and the
 * projection stand. The embedded log and Kafka each provide one.
 */
export interface PipelineStatus extends Positions {
  log: 'embedded' | 'kafka';
  /** False while the log cannot be reached; the positions are then the last known ones. */
  available: boolean;
  /** Why the in-process projector does not run (Kafka), if it does not. */
  problem?: string;
}

/** Runs a read on the current database. */
export type OnDb = <T>(fn: (db: Database) => Promise<T>) => Promise<T>;

export interface Pipeline {
  readonly log: 'embedded' | 'kafka';
  /** Validates NDJSON and appends it; resolves once the events are durable in the log. */
  ingest(body: Buffer, source: string): Promise<ImportResult>;
  /**
   * Where the log and the projection stand. Reads of the database go through `onDb` (the server's
   * request queue); a read that needs none (Kafka's watermarks, with the projector in this
   * process) does not wait behind the reports.
   */
  status(onDb: OnDb): Promise<PipelineStatus>;
  close(): Promise<void>;
}

/** The embedded log: events are appended and projected before ingest resolves. */
export const embeddedPipeline = (): Pipeline => ({
  log: 'embedded',
  ingest: () => Promise.reject(new Error('embedded ingest runs on the server database')),
  status: async (onDb) => ({ log: 'embedded', available: true, ...(await onDb((db) => embeddedPositions(db.conn))) }),
  close: async () => undefined,
});

/**
 * One open log per database, kept between requests: opening one (its connections and staging
 * tables) costs more than appending a small batch. The server runs one ingest at a time on a
 * database. The log closes with the database; after a failed ingest it is opened anew, as its
 * staging slots may still hold the failed batch.
 */
interface KeptLog {
  opening?: Promise<EmbeddedLog>;
  open?: EmbeddedLog;
}
const keptLogs = new WeakMap<Database, KeptLog>();

function keptLogOf(db: Database): KeptLog {
  let kept = keptLogs.get(db);
  if (!kept) {
    const k: KeptLog = (kept = {});
    keptLogs.set(db, k);
    const closeDb = db.close;
    db.close = () => {
      closeKept(k);
      closeDb.call(db);
    };
  }
  return kept;
}

function closeKept(kept: KeptLog): void {
  const { opening, open } = kept;
  kept.opening = kept.open = undefined;
  if (open) open.close();
  else opening?.then((log) => log.close(), () => undefined);
}

/**
 * The database's kept log, opened (with its eventId filter built) if it is not open yet. A server
 * calls it when it starts, so that its first POST does not wait for the filter.
 */
export function openEmbeddedIngest(db: Database): Promise<EmbeddedLog> {
  const kept = keptLogOf(db);
  if (!kept.opening) {
    const opening = (kept.opening = openForImport(db).then(async (log) => {
      await log.keepEventIds().catch((err: unknown) => {
        log.close();
        throw err;
      });
      return log;
    }));
    opening.then(
      (log) => {
        if (kept.opening === opening) kept.open = log;
      },
      () => {
        if (kept.opening === opening) kept.opening = undefined;
      },
    );
  }
  return kept.opening;
}

/**
 * Appends a body's events to the database's kept log. With `project: false` the call resolves
 * once they are durable in the log, and projecting them is the caller's (the server's) work.
 */
export async function ingestEmbedded(db: Database, body: Buffer, source: string, { project = true }: { project?: boolean } = {}): Promise<ImportResult> {
  const kept = keptLogOf(db);
  const log = await openEmbeddedIngest(db);
  try {
    return await importLines(db, Readable.from([body]), { source, log, project, whole: body });
  } catch (err) {
    closeKept(kept);
    throw err;
  }
}

async function connectAdmin(settings: KafkaSettings): Promise<Admin> {
  const admin = kafkaClient(settings, 'sel104-server').admin();
  await withinDeadline(settings, 2_000, admin.connect());
  return admin;
}

/** The event topic's offsets stored in a projection (the next offset to project, per partition). */
async function publishedOffsets(conn: DuckDBConnection, topic: string): Promise<Map<number, number>> {
  const rows = await queryRows<{ partition: number; position: bigint }>(
    conn,
    `SELECT partition, position FROM checkpoints WHERE log = 'kafka' AND ends_with(log_id, '/' || $1)`,
    [topic],
  ).catch(() => []);
  return new Map(rows.map((r) => [Number(r.partition), Number(r.position)]));
}

/** A POST that Kafka has not acknowledged within this time is answered 503. */
const INGEST_DEADLINE_MS = 15_000;

/**
 * Kafka: ingest produces (and answers once Kafka acknowledged); projection is the consumer
 * group's work, in this process (`projector`) or in a separate `sel104 project`.
 */
export function kafkaPipeline(settings: KafkaSettings, projector?: { health(): Promise<ProjectorHealth> }): Pipeline {
  let ingest: Promise<KafkaIngest> | undefined;
  let last: PipelineStatus = { log: 'kafka', available: false, logPosition: 0, projectionPosition: 0, lag: 0 };
  let admin: Promise<Admin> | undefined;
  return {
    log: 'kafka',
    async ingest(body, source) {
      ingest ??= KafkaIngest.open(settings, { remember: true });
      let producer: KafkaIngest;
      try {
        producer = await ingest;
      } catch (err) {
        ingest = undefined; // the next request tries again
        throw err;
      }
      try {
        return await withinDeadline(settings, INGEST_DEADLINE_MS, producer.ingest(Readable.from([body]), { source, whole: body }));
      } catch (err) {
        const e = toSel104Error(err);
        if (e.code !== 'SEL104_ERR_LOG_UNAVAILABLE') throw e;
        // the client's retries may still deliver some of the events after the answer
        throw new Sel104Error(e.code, `${e.message}; some of the events may have reached the log all the same: send the same body again once it is back (each eventId is projected once)`);
      }
    },
    async status(onDb) {
      if (projector) {
        const p = await projector.health();
        return (last = { log: 'kafka', ...p });
      }
      // A server without its own projector (compose: it serves the copy a separate projector
      // publishes) reads the topic's end offsets and compares them with the copy's stored offsets:
      // it said "log unavailable" and lag 0 always, so a stalled projector never showed.
      const stored = await onDb((db) => publishedOffsets(db.conn, settings.topic));
      const projectionPosition = [...stored.values()].reduce((n, v) => n + v, 0);
      try {
        admin ??= connectAdmin(settings);
        const high = await withinDeadline(settings, 2_000, (await admin).fetchTopicOffsets(settings.topic));
        const logPosition = high.reduce((n, o) => n + Number(o.high), 0);
        const lag = high.reduce((n, o) => n + Math.max(0, Number(o.high) - (stored.get(o.partition) ?? 0)), 0);
        return (last = { log: 'kafka', available: true, logPosition, projectionPosition, lag });
      } catch {
        const dropped = admin;
        admin = undefined; // the next check connects again
        void dropped?.then((a) => a.disconnect()).catch(() => undefined);
        return (last = { ...last, available: false, projectionPosition });
      }
    },
    async close() {
      await (await ingest?.catch(() => undefined))?.close();
      await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
    },
  };
}
