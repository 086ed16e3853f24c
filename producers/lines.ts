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
  /**
   * Lines longer than the limit, by index into texts, with their length in bytes: texts holds only
   * their first LONG_LINE_KEPT_BYTES bytes (no event is that long; the line is rejected as it is).
   */
  tooLong: ReadonlyMap<number, number>;
}

/**
 * The longest line read as an event, in bytes. The longest valid event is a few kilobytes (its
 * strings have length limits); a longer line is rejected without being held whole, so that a file
 * with a line of hundreds of megabytes (a binary file, a JSON array on one line) is reported as
 * such, and the rest of the file imported, rather than failing the import for want of memory.
 */
export const MAX_LINE_BYTES = 1 << 20;
/** How much of a line over the limit is kept, to show in the dead-letter store. */
export const LONG_LINE_KEPT_BYTES = 1000;

/** A batch of the given texts (valid UTF-8), starting at line `firstLine`. */
export function lineBatch(texts: string[], firstLine = 1): LineBatch {
  return { firstLine, texts, invalidUtf8: new Set(), tooLong: new Map() };
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
 * A line longer than `maxLineBytes` is kept as its first bytes and flagged (`tooLong`).
 */
export async function* numberedLinePieces(
  input: Readable, batchSize: number, onBytes?: (bytes: number) => void, maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<LinePiece> {
  // The unfinished line's bytes, chunk by chunk: joined once its end arrives, so that a long line
  // costs its length once (joining at every chunk made it quadratic: 2.5 s for a 60 MB line)
  let carry: Buffer[] = [];
  let carried = 0;
  // The unfinished line once it is over the limit: its first bytes and its length so far
  let overlong: { head: Buffer; bytes: number } | undefined;
  let firstLine = 1;
  let inBatch = 0;
  let texts: string[] = [];
  let invalidUtf8 = new Set<number>();
  let tooLong = new Map<number, number>();
  // A chunk of only ASCII bytes (most of them) is decoded as Latin-1, which copies bytes and checks nothing.
  let ascii = false;
  const pushTooLong = (head: Buffer, bytes: number) => {
    tooLong.set(texts.length, bytes);
    // the head may end inside a character (U+FFFD then); the line is rejected as too long either way
    texts.push(head.toString('utf8', 0, Math.min(head.length, LONG_LINE_KEPT_BYTES)));
  };
  const push = (buf: Buffer, start: number, end: number) => {
    if (end > start && buf[end - 1] === 13) end--;
    if (end - start > maxLineBytes) {
      pushTooLong(buf.subarray(start, start + LONG_LINE_KEPT_BYTES), end - start);
      return;
    }
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
    const piece = { firstLine, texts, invalidUtf8, tooLong, endsBatch };
    firstLine += texts.length;
    texts = [];
    invalidUtf8 = new Set();
    tooLong = new Map();
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
    if (overlong) {
      // the rest of a line over the limit is only counted, up to its end
      const nl = buf.indexOf(10);
      const end = nl === -1 ? buf.length : nl > 0 && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (overlong.head.length < LONG_LINE_KEPT_BYTES) {
        overlong.head = Buffer.concat([overlong.head, buf.subarray(0, Math.min(end, LONG_LINE_KEPT_BYTES - overlong.head.length))]);
      }
      if (nl === -1) {
        overlong.bytes += buf.length;
        continue;
      }
      pushTooLong(overlong.head, overlong.bytes + end);
      overlong = undefined;
      buf = buf.subarray(nl + 1);
      if (inBatch + texts.length === batchSize) yield cut();
    } else if (carry.length > 0) {
      if (buf.indexOf(10) === -1) {
        carry.push(buf);
        carried += buf.length;
        if (carried > maxLineBytes) {
          overlong = { head: Buffer.concat(carry, Math.min(carried, LONG_LINE_KEPT_BYTES)), bytes: carried };
          carry = [];
          carried = 0;
        }
        continue;
      }
      buf = Buffer.concat([...carry, buf]);
      carry = [];
      carried = 0;
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
    const rest = buf.length - start;
    if (rest > maxLineBytes) overlong = { head: Buffer.from(buf.subarray(start, start + LONG_LINE_KEPT_BYTES)), bytes: rest };
    else if (rest > 0) {
      carry = [Buffer.from(buf.subarray(start))];
      carried = rest;
    }
  }
  if (overlong) pushTooLong(overlong.head, overlong.bytes);
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
    if (!batch) batch = { firstLine: piece.firstLine, texts: piece.texts, invalidUtf8: new Set(piece.invalidUtf8), tooLong: new Map(piece.tooLong) };
    else {
      const offset = batch.texts.length;
      for (const n of piece.invalidUtf8) (batch.invalidUtf8 as Set<number>).add(offset + n);
      for (const [n, bytes] of piece.tooLong) (batch.tooLong as Map<number, number>).set(offset + n, bytes);
      for (const text of piece.texts) batch.texts.push(text);
    }
    if (piece.endsBatch) {
      yield batch;
      batch = undefined;
    }
  }
  if (batch) yield batch;
}
