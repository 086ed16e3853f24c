import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { resolvePaths, type Database } from '../consumers/database.ts';
import { KafkaProjector } from '../consumers/kafkaProjector.ts';
import type { ImportResult } from '../producers/importer.ts';
import { ensureTopics, kafkaClient, kafkaSettings, withinDeadline, type KafkaSettings } from '../producers/kafka.ts';
import { KafkaIngest, type KafkaImportOptions } from '../producers/kafkaImporter.ts';

/** The Kafka side of the CLI: `import --log kafka`, `project --log kafka`, `rebuild --log kafka`. */

/** Creates the topics where the brokers allow it (real Kafka), quietly skipping where they do not. */
export async function prepareTopics(settings: KafkaSettings): Promise<void> {
  const admin = kafkaClient(settings, 'sel104-admin').admin();
  try {
    await withinDeadline(settings, 8_000, admin.connect());
    await withinDeadline(settings, 8_000, ensureTopics(admin, settings));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function importToKafka(input: Readable, opts: KafkaImportOptions): Promise<ImportResult> {
  const settings = kafkaSettings();
  await prepareTopics(settings);
  const ingest = await KafkaIngest.open(settings);
  try {
    return await ingest.ingest(input, opts);
  } finally {
    await ingest.close();
  }
}

/**
 * Copies the projection (and the log file with the dead-letter store) to `target`, consistently:
 * the caller holds the projector between batches, CHECKPOINT moves the WAL into the files, and
 * each copy replaces the previous one by rename, so a reader never sees half a file.
 */
export async function publishCopy(db: Database, target: string): Promise<void> {
  const to = resolvePaths({ db: target });
  await mkdir(dirname(to.db), { recursive: true });
  await db.conn.run('CHECKPOINT');
  await db.conn.run('CHECKPOINT log');
  for (const [from, dest] of [[db.paths.log, to.log], [db.paths.db, to.db]] as const) {
    await copyFile(from, `${dest}.tmp`);
    await rename(`${dest}.tmp`, dest);
  }
}

export interface ProjectFromKafkaOptions {
  once: boolean;
  verbose: boolean;
  publish?: string;
  publishIntervalMs?: number;
  batchSize?: number;
}

/** `sel104 project --log kafka`: runs until SIGINT/SIGTERM, or with --once until caught up. */
export async function projectFromKafka(db: Database, { once, verbose, publish, publishIntervalMs = 10_000, batchSize }: ProjectFromKafkaOptions): Promise<void> {
  const settings = kafkaSettings();
  await prepareTopics(settings);
  let dirty = publish !== undefined;
  const projector = new KafkaProjector(db.conn, settings, {
    once,
    batchSize,
    onBatch: (b) => {
      dirty = true;
      if (verbose) process.stderr.write(`committed ${b.partitions.join(' ')}: ${b.messages} messages, ${b.projected} projected, ${b.duplicates} duplicates, ${b.deadLetters} dead letters\n`);
    },
  });
  const halt = () => void projector.stop();
  process.once('SIGINT', halt);
  process.once('SIGTERM', halt);
  let timer: NodeJS.Timeout | undefined;
  const publishNow = async () => {
    if (!publish || !dirty) return;
    dirty = false;
    await projector.exclusive(() => publishCopy(db, publish));
  };
  try {
    await projector.start();
    process.stderr.write(`projector: group joined on ${settings.brokers.join(',')}, topic ${settings.topic}${once ? ' (until caught up)' : ''}\n`);
    if (publish) {
      await publishNow();
      timer = setInterval(() => void publishNow().catch((err: unknown) => process.stderr.write(`sel104: publishing failed: ${String(err)}\n`)), publishIntervalMs);
    }
    await projector.done;
    await publishNow();
  } catch (err) {
    await projector.stop().catch(() => undefined);
    throw err;
  } finally {
    clearInterval(timer);
    process.off('SIGINT', halt);
    process.off('SIGTERM', halt);
  }
  const t = projector.totals;
  process.stderr.write(`projector: ${t.projected} events projected, ${t.duplicates} duplicates dropped, ${t.deadLetters} dead letters stored\n`);
}

export const fileChanged = async (file: string, since: number): Promise<number | undefined> => {
  const m = (await stat(file).catch(() => undefined))?.mtimeMs;
  return m !== undefined && m !== since ? m : undefined;
};
