import { createHash, type Hash } from 'node:crypto';
import type { LineBatch } from './lines.ts';

/**
 * Which input a rejected line came from, for the dead-letter store to keep each once: a digest of
 * the input's lines up to that line, or up to its line PREFIX_LINES for the lines after it.
 *
 * The store keeps a dead letter once per (input key, line, text). The name given for the input
 * (a path as typed, `stdin`, one POST) is no identity: a crashed import run again under another
 * name stored its dead letters twice, two different inputs from standard input with the same bad
 * line 2 kept one of them, and a POST retried after a lost answer stored its bad lines twice. By
 * the lines' own bytes, the same input (run again, sent again, or exported again with more lines
 * at its end) has the same keys, and another input has others. A digest over the first lines only
 * costs nothing per line after them; two inputs alike in their first PREFIX_LINES lines that differ
 * later, with the same bad text at the same line number after that, count as one.
 */
export const PREFIX_LINES = 100;

export class InputKeys {
  private readonly hash: Hash = createHash('sha256');
  private keys: string[] = [];

  /**
   * @param whole the whole input, when it is at hand before any line is stored (a POST's body):
   *              one key for all its lines, so that only the same body sent again is the same input
   */
  constructor(whole?: Buffer) {
    if (whole) this.keys = Array<string>(PREFIX_LINES).fill(createHash('sha256').update(whole).digest('hex').slice(0, 32));
  }

  /** Takes the next lines of the input, in order. */
  add({ firstLine, texts }: Pick<LineBatch, 'firstLine' | 'texts'>): void {
    for (let n = 0; n < texts.length && firstLine + n <= PREFIX_LINES; n++) {
      if (firstLine + n !== this.keys.length + 1) continue; // (seen already)
      this.hash.update(texts[n]!).update('\n');
      this.keys.push(this.hash.copy().digest('hex').slice(0, 32));
    }
  }

  /** The key of line `line` (read already). */
  keyOf(line: number): string {
    return this.keys[Math.min(line, PREFIX_LINES) - 1] ?? '';
  }

  /** The keys of lines 1, 2, … up to PREFIX_LINES, comma-separated, for SQL (`keyOfLine`). */
  get list(): string {
    return this.keys.join(',');
  }
}

/** SQL for the key of line `line`, given `list` (InputKeys.list) as a parameter. */
export const keyOfLine = (list: string, line: string): string => `string_split(${list}, ',')[least(${line}, ${PREFIX_LINES})]`;
