import type { Readable } from 'node:stream';

export interface NumberedLine {
  /** 1-based line number in the input. */
  line: number;
  text: string;
  /** The bytes were not valid UTF-8 (text then holds U+FFFD where they were). */
  invalidUtf8?: true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a byte stream into NDJSON lines, numbered from 1, in batches of exactly `batchSize` (the last one fewer).
 * Lines are cut on the bytes and decoded one by one as UTF-8 (a newline byte never occurs inside
 * a multi-byte character). A final newline does not make an empty last line; '\r\n' is accepted.
 * Only one batch and one chunk are held at a time.
 */
export async function* numberedLineBatches(
  input: Readable,
  batchSize: number,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<NumberedLine[]> {
  let carry: Buffer | undefined;
  let lineNo = 0;
  let batch: NumberedLine[] = [];
  const push = (buf: Buffer, start: number, end: number) => {
    if (end > start && buf[end - 1] === 13) end--;
    const text = buf.toString('utf8', start, end);
    const line: NumberedLine = { line: ++lineNo, text };
    // U+FFFD is rare in real text; only then is the slice decoded again, strictly, to tell.
    if (text.includes('\uFFFD')) {
      try {
        strictUtf8.decode(buf.subarray(start, end));
      } catch {
        line.invalidUtf8 = true;
      }
    }
    batch.push(line);
  };
  let first = true;
  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    onBytes?.(buf.length);
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    if (carry) {
      buf = Buffer.concat([carry, buf]);
      carry = undefined;
    }
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      push(buf, start, nl);
      start = nl + 1;
      // Exactly batchSize lines: a batch the size of whole row groups leaves none half-filled
      // for a checkpoint to merge (see importer.ts).
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (start < buf.length) carry = Buffer.from(buf.subarray(start));
  }
  if (carry && carry.length > 0) push(carry, 0, carry.length);
  if (batch.length > 0) yield batch;
}
