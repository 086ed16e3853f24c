import type { Readable } from 'node:stream';
import { queryValue, type Database } from '../consumers/database.ts';
import { catchUp, ensureProjectionSchema } from '../consumers/projector.ts';
import type { Reason } from '../schemas/validate.ts';
import type { BatchStager, Slot, StagedBatch } from './bulkValidation.ts';
import { EmbeddedLog, SLOTS } from './embeddedLog.ts';
import { numberedLinePieces } from './lines.ts';
import { InputKeys } from './inputKey.ts';

export interface ImportCounts {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface ImportResult extends ImportCounts {
  /** Rejected lines with their reasons (capped; all of them are in the dead-letter store). */
  rejections: { line: number; reasons: Reason[] }[];
  logPosition: number;
  projectedPosition: number;
}

export interface ImportOptions {
  /** Where the lines came from, kept with each dead letter: a file path, "stdin" or "http …". */
  source: string;
  /** The whole input, when it is at hand (a POST's body): it is the input's identity (InputKeys). */
  whole?: Buffer;
  batchSize?: number;
  /** Project after each batch (the default) so the dashboards follow the import. */
  project?: boolean;
  onBytes?: (bytes: number) => void;
  onBatch?: (counts: ImportCounts) => void;
  /** Ingestion time, standing in for a missing recordedAt; default: now. */
  now?: () => Date;
  maxRejectionsReported?: number;
  /**
   * An open log (from openForImport) to append to; it stays open for the next import. Default: the
   * log is opened for this import and closed after it.
   */
  log?: EmbeddedLog;
}

/**
 * Lines per batch of a bulk import: two of DuckDB's row groups (122,880 rows each). A batch whose
 * lines are all accepted appends whole row groups to the log; any other size leaves a part-filled
 * row group per batch, which the next checkpoint merges by rewriting it (measured: 2 s at the end
 * of a 6.6 M-event import with batches of 250,000; 0.05 s with these).
 */
export const IMPORT_BATCH = 2 * 122_880;

/** The embedded log, with the projection schema in place when the import projects. */
export async function openForImport(db: Database, { project = true }: { project?: boolean } = {}): Promise<EmbeddedLog> {
  const log = await EmbeddedLog.open(db);
  if (project) await ensureProjectionSchema(db.conn);
  return log;
}

/**
 * NDJSON → validation → embedded log → projection, one batch at a time. Every line ends up
 * accepted, duplicate or rejected (with reasons, in the dead-letter store).
 */
export async function importLines(db: Database, input: Readable, opts: ImportOptions): Promise<ImportResult> {
  const { source, batchSize = IMPORT_BATCH, project = true, onBytes, onBatch, now = () => new Date(), maxRejectionsReported = 1000, log: openLog } = opts;
  const log = openLog ?? (await openForImport(db, { project }));
  const counts: ImportCounts = { received: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const rejections: ImportResult['rejections'] = [];
  // Five stages overlap, each on its own connection where DuckDB is involved: JavaScript reads
  // and stages batch k+2, batch k+1 is checked, batch k is committed to the log, and the projector
  // catches up with what the log holds. Each stage keeps its own order, and the commits and
  // projections are transactions, so the result is that of a serial run.
  const projector = project ? await db.instance.connect() : undefined;
  let projectedPosition = 0;
  let projecting: Promise<unknown> = Promise.resolve();
  // Up to `until`, the end of a commit, when there was one: reading the log's end is a scan of it.
  const projectCommitted = (until?: number) => {
    if (!projector) return;
    projecting = projecting.then(async () => {
      projectedPosition = (await catchUp(projector, { until })).position;
    });
    // Failures are awaited (and thrown) later; until then they must not count as unhandled.
    projecting.catch(() => undefined);
  };
  let checking: Promise<unknown> = Promise.resolve();
  let committing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const slotFree: Promise<void>[] = Array.from({ length: SLOTS }, () => Promise.resolve());
  let k = 0;
  // With more than one batch, the stages run side by side, each on its own connection and thread;
  // DuckDB's own parallelism inside each query then only adds scheduling on two cores (measured:
  // about 10 % slower with 2 threads), so the import runs DuckDB single-threaded, and restores it
  // after. A lone batch (an HTTP POST: the first batch is not full) has only its check and its
  // lookup to overlap, and is faster with DuckDB's threads (measured on a quiet machine: 10,000
  // events at scale 20 in 195 ms instead of 225 ms).
  //
  // A bulk import also checkpoints less often: DuckDB checkpoints whenever its write-ahead log
  // passes 16 MB, which during an import rewrote the attendance summaries every few batches
  // (measured: 0.1 s of CPU per 250,000 events). The WAL keeps every commit durable meanwhile.
  let bulk: { threads: bigint; checkpointThreshold: string } | undefined;
  // The batch being staged, piece by piece as its lines are read.
  let stager: BatchStager | undefined;
  // Which input the lines are, for the dead-letter store (by their bytes, not by `source`)
  const inputKeys = new InputKeys(opts.whole);
  const submit = async (staged: StagedBatch) => {
    if (k === 1 && staged.received >= batchSize) {
      bulk = {
        threads: await queryValue<bigint>(db.conn, `SELECT current_setting('threads')`),
        checkpointThreshold: await queryValue<string>(db.conn, `SELECT current_setting('checkpoint_threshold')`),
      };
      await db.conn.run('SET threads = 1');
      await db.conn.run(`SET checkpoint_threshold = '1GB'`);
    }
    const checked = checking.then(() => log.check(staged));
    checking = checked;
    committing = Promise.all([committing, checked]).then(async ([, batch]) => {
      const res = await log.commit(batch, source, now().toISOString(), inputKeys.list);
      counts.received += res.received;
      counts.accepted += res.accepted;
      counts.duplicates += res.duplicates;
      counts.rejected += res.rejected.length;
      for (const r of res.rejected) if (rejections.length < maxRejectionsReported) rejections.push({ line: r.line, reasons: r.reasons });
      projectCommitted(res.position);
      onBatch?.(counts);
    });
    checked.catch(() => undefined);
    committing.catch((error: unknown) => (failure ??= { error }));
    slotFree[staged.slot] = committing.catch(() => undefined);
  };
  try {
    for await (const piece of numberedLinePieces(input, batchSize, onBytes)) {
      if (!stager) {
        const slot = (k++ % SLOTS) as Slot;
        await slotFree[slot];
        if (failure) throw failure.error;
        stager = await log.beginStage(slot);
      }
      inputKeys.add(piece);
      await stager.add(piece);
      if (piece.endsBatch) {
        const staged = stager.finish();
        stager = undefined;
        await submit(staged);
      }
    }
    if (stager) {
      const staged = stager.finish();
      stager = undefined;
      await submit(staged);
    }
    await committing;
    // Each commit projected what it appended; without any, the projection still catches up
    // with the log (an import that crashed before projecting leaves it behind).
    if (k === 0) projectCommitted();
    await projecting;
  } finally {
    stager?.abandon();
    // Nothing may run on the log's connections after this: a kept log is closed after a failure.
    await checking.catch(() => undefined);
    await committing.catch(() => undefined);
    await projecting.catch(() => undefined);
    projector?.closeSync();
    await log.idle();
    if (!openLog) log.close();
    if (bulk) {
      await db.conn.run(`SET threads = ${Number(bulk.threads)}`);
      await db.conn.run(`SET checkpoint_threshold = '${bulk.checkpointThreshold.replaceAll("'", "''")}'`);
    }
  }
  return { ...counts, rejections, logPosition: log.endPosition, projectedPosition };
}
