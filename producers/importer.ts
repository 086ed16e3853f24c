import type { Readable } from 'node:stream';
import type { Database } from '../consumers/database.ts';
import { catchUp, ensureProjectionSchema } from '../consumers/projector.ts';
import { redactCpr, validateLine, type Reason } from '../schemas/validate.ts';
import { EmbeddedLog, type AcceptedLine, type RejectedLine } from './embeddedLog.ts';
import { numberedLineBatches, type NumberedLine } from './lines.ts';

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

export interface ValidatedBatch {
  accepted: AcceptedLine[];
  rejected: RejectedLine[];
  /** Lines whose eventId repeats an earlier line of the same batch. */
  duplicatesInBatch: number;
}

/** Validates a batch of lines; pure, so ingest over HTTP and the file import share it. */
export function validateBatch(lines: readonly NumberedLine[]): ValidatedBatch {
  const accepted: AcceptedLine[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Set<string>();
  let duplicatesInBatch = 0;
  for (const { line, text } of lines) {
    if (text.trim() === '') {
      rejected.push({ line, reasons: [{ path: 'line', rule: 'empty line; expected one JSON object' }], raw: text });
      continue;
    }
    const verdict = validateLine(text);
    if (!verdict.ok) {
      rejected.push({ line, reasons: verdict.reasons, raw: redactCpr(text) });
      continue;
    }
    const e = verdict.event;
    if (seen.has(e.eventId)) {
      duplicatesInBatch++;
      continue;
    }
    seen.add(e.eventId);
    accepted.push({ line, body: verdict.upcast ? JSON.stringify(e) : text });
  }
  return { accepted, rejected, duplicatesInBatch };
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
  let projectedPosition = 0;
  // Pipeline: while DuckDB appends and projects batch k, JavaScript reads and validates batch k+1.
  let pending: Promise<void> = Promise.resolve();
  for await (const lines of numberedLineBatches(input, batchSize, onBytes)) {
    const { accepted, rejected, duplicatesInBatch } = validateBatch(lines);
    await pending;
    pending = (async () => {
      const res = await log.append(source, now().toISOString(), accepted, rejected);
      counts.received += lines.length;
      counts.accepted += res.accepted;
      counts.duplicates += res.duplicates + duplicatesInBatch;
      counts.rejected += res.rejected;
      for (const r of rejected) if (rejections.length < maxRejectionsReported) rejections.push({ line: r.line, reasons: r.reasons });
      if (project) projectedPosition = (await catchUp(db.conn)).position;
      onBatch?.(counts);
    })();
    // A failed batch must stop the import at once, not after the next batch has been read.
    pending.catch(() => undefined);
  }
  await pending;
  if (project) projectedPosition = (await catchUp(db.conn)).position;
  return { ...counts, rejections, logPosition: log.endPosition, projectedPosition };
}
