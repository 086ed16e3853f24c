import type { Readable } from 'node:stream';
import type { Database } from '../consumers/database.ts';
import { catchUp, ensureProjectionSchema } from '../consumers/projector.ts';
import type { Reason } from '../schemas/validate.ts';
import { EmbeddedLog } from './embeddedLog.ts';
import { numberedLineBatches } from './lines.ts';

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
  /** Where the lines came from, kept with each dead letter: a file path, "stdin" or "http". */
  source: string;
  batchSize?: number;
  /** Project after each batch (the default) so the dashboards follow the import. */
  project?: boolean;
  onBytes?: (bytes: number) => void;
  onBatch?: (counts: ImportCounts) => void;
  /** Ingestion time, standing in for a missing recordedAt; default: now. */
  now?: () => Date;
  maxRejectionsReported?: number;
}

/**
 * NDJSON → validation → embedded log → projection, one batch at a time. Every line ends up
 * accepted, duplicate or rejected (with reasons, in the dead-letter store).
 */
export async function importLines(db: Database, input: Readable, opts: ImportOptions): Promise<ImportResult> {
  const { source, batchSize = 250_000, project = true, onBytes, onBatch, now = () => new Date(), maxRejectionsReported = 1000 } = opts;
  const log = await EmbeddedLog.open(db.conn);
  if (project) await ensureProjectionSchema(db.conn);
  const counts: ImportCounts = { received: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const rejections: ImportResult['rejections'] = [];
  // Three stages overlap: JavaScript reads batch k+1 while DuckDB appends batch k to the log on
  // one connection and projects what the log already holds on a second one. The projection's
  // own transactions keep it exactly-once whatever the interleaving.
  const projector = project ? await db.instance.connect() : undefined;
  let projectedPosition = 0;
  let projecting: Promise<unknown> = Promise.resolve();
  const projectCommitted = () => {
    if (!projector) return;
    projecting = projecting.then(async () => {
      projectedPosition = (await catchUp(projector)).position;
    });
  };
  let appending: Promise<void> = Promise.resolve();
  try {
    for await (const lines of numberedLineBatches(input, batchSize, onBytes)) {
      await appending;
      appending = (async () => {
        const res = await log.append(source, now().toISOString(), lines);
        counts.received += res.received;
        counts.accepted += res.accepted;
        counts.duplicates += res.duplicates;
        counts.rejected += res.rejected.length;
        for (const r of res.rejected) if (rejections.length < maxRejectionsReported) rejections.push({ line: r.line, reasons: r.reasons });
        projectCommitted();
        onBatch?.(counts);
      })();
      // Failures are awaited (and thrown) at the next turn; until then they must not count as unhandled.
      appending.catch(() => undefined);
      projecting.catch(() => undefined);
    }
    await appending;
    projectCommitted();
    await projecting;
  } finally {
    await appending.catch(() => undefined);
    await projecting.catch(() => undefined);
    projector?.closeSync();
  }
  return { ...counts, rejections, logPosition: log.endPosition, projectedPosition };
}
