import { isAscii } from 'node:buffer';
import type { Readable } from 'node:stream';

/**
 * Consecutive lines of an NDJSON input. Kept as parallel data rather than an object per line: a
 * bulk batch has 245,760 lines, and their objects cost more than splitting the bytes did.
 */
export interface LineBatch {
  /** 1-based input line number of texts[0]; texts[n] is line firstLine + n. */
  firstLine: number;
  texts: string[];
  /** Indexes into texts of the lines whose bytes were not valid UTF-8 (they hold U+FFFD there). */
  invalidUtf8: ReadonlySet<number>;
}

/** A batch of the given texts (valid UTF-8), starting at line `firstLine`. */
export function lineBatch(texts: string[], firstLine = 1): LineBatch {
  return { firstLine, texts, invalidUtf8: new Set() };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Part of a batch: the lines of one chunk of input, at most. The last piece of each batch ends it. */
export interface LinePiece extends LineBatch {
  /** This piece completes a batch of exactly batchSize lines (the input's last batch may stop short without one). */
  endsBatch: boolean;
}

/**
 * Splits a byte stream into NDJSON lines, numbered from 1, in pieces of at most one chunk that
 * together make batches of exactly `batchSize` lines (the last one fewer). A consumer that handles
 * each piece at once (the importer's staging) holds no more than one chunk's lines: holding a
 * whole batch of strings made V8 copy them to its old generation (measured: 1 s of CPU per
 * 2.5 M lines, as much as the splitting).
 *
 * Lines are cut on the bytes and decoded one by one as UTF-8 (a newline byte never occurs inside
 * a multi-byte character). A final newline does not make an empty last line; '\r\n' is accepted.
 */
export async function* numberedLinePieces(input: Readable, batchSize: number, onBytes?: (bytes: number) => void): AsyncGenerator<LinePiece> {
  // The unfinished line's bytes, chunk by chunk: joined once its end arrives, so that a long line
  // costs its length once (joining at every chunk made it quadratic: 2.5 s for a 60 MB line)
  let carry: Buffer[] = [];
  let firstLine = 1;
  let inBatch = 0;
  let texts: string[] = [];
  let invalidUtf8 = new Set<number>();
  // A chunk of only ASCII bytes (most of them) is decoded as Latin-1, which copies bytes and checks nothing.
  let ascii = false;
  const push = (buf: Buffer, start: number, end: number) => {
    if (end > start && buf[end - 1] === 13) end--;
    if (ascii) {
      texts.push(buf.toString('latin1', start, end));
      return;
    }
    const text = buf.toString('utf8', start, end);
    // U+FFFD is rare in real text; only then is the slice decoded again, strictly, to tell.
    if (text.includes('\uFFFD')) {
      try {
        strictUtf8.decode(buf.subarray(start, end));
      } catch {
        invalidUtf8.add(texts.length);
      }
    }
    texts.push(text);
  };
  const cut = (): LinePiece => {
    inBatch += texts.length;
    const endsBatch = inBatch === batchSize;
    if (endsBatch) inBatch = 0;
    const piece = { firstLine, texts, invalidUtf8, endsBatch };
    firstLine += texts.length;
    texts = [];
    invalidUtf8 = new Set();
    return piece;
  };
  let first = true;
  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    onBytes?.(buf.length);
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    if (carry.length > 0) {
      if (buf.indexOf(10) === -1) {
        carry.push(buf);
        continue;
      }
      buf = Buffer.concat([...carry, buf]);
      carry = [];
    }
    ascii = isAscii(buf);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      push(buf, start, nl);
      start = nl + 1;
      // Exactly batchSize lines: a batch the size of whole row groups leaves none half-filled
      // for a checkpoint to merge (see importer.ts).
      if (inBatch + texts.length === batchSize) yield cut();
    }
    if (texts.length > 0) yield cut();
    if (start < buf.length) carry = [Buffer.from(buf.subarray(start))];
  }
  const last = Buffer.concat(carry);
  if (last.length > 0) {
    ascii = isAscii(last);
    push(last, 0, last.length);
  }
  if (texts.length > 0) yield cut();
}

/** The same lines in whole batches of exactly `batchSize` lines (the last one fewer), for consumers that need a batch at once. */
export async function* numberedLineBatches(input: Readable, batchSize: number, onBytes?: (bytes: number) => void): AsyncGenerator<LineBatch> {
  let batch: LineBatch | undefined;
  for await (const piece of numberedLinePieces(input, batchSize, onBytes)) {
    if (!batch) batch = { firstLine: piece.firstLine, texts: piece.texts, invalidUtf8: new Set(piece.invalidUtf8) };
    else {
      const offset = batch.texts.length;
      for (const n of piece.invalidUtf8) (batch.invalidUtf8 as Set<number>).add(offset + n);
      for (const text of piece.texts) batch.texts.push(text);
    }
    if (piece.endsBatch) {
      yield batch;
      batch = undefined;
    }
  }
  if (batch) yield batch;
}
