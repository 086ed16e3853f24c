import type { Readable } from 'node:stream';

export interface NumberedLine {
  /** 1-based line number in the input. */
  line: number;
  text: string;
}

/**
 * Splits a byte stream into NDJSON lines, numbered from 1, in batches of `batchSize`.
 * A final newline does not make an empty last line; '\r\n' endings are accepted.
 * Only one batch and one chunk are held at a time.
 */
export async function* numberedLineBatches(
  input: Readable,
  batchSize: number,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<NumberedLine[]> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let lineNo = 0;
  let batch: NumberedLine[] = [];
  const push = (text: string) => {
    lineNo++;
    batch.push({ line: lineNo, text: text.endsWith('\r') ? text.slice(0, -1) : text });
  };
  for await (const chunk of input) {
    const buf = chunk as Buffer;
    onBytes?.(buf.length);
    const text = carry + decoder.decode(buf, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      push(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  carry += decoder.decode();
  if (carry.length > 0) push(carry);
  if (batch.length > 0) yield batch;
}
