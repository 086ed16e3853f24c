import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { numberedLineBatches, type NumberedLine } from '../producers/lines.ts';

const collect = async (chunks: (string | Buffer)[], batchSize = 2) => {
  const out: NumberedLine[][] = [];
  for await (const b of numberedLineBatches(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), batchSize)) out.push(b);
  return out;
};

describe('numberedLineBatches', () => {
  it('numbers lines across chunk boundaries and batches, without an empty last line', async () => {
    const batches = await collect(['{"a":1}\n{"b"', ':2}\r\n\n{"c":3}\n']);
    expect(batches.flat()).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
      { line: 3, text: '' },
      { line: 4, text: '{"c":3}' },
    ]);
    expect(batches.every((b) => b.length <= 4)).toBe(true);
  });

  it('cuts batches of exactly the batch size, inside a chunk too', async () => {
    const batches = await collect(['1\n2\n3\n4\n5\n', '6\n7'], 3);
    expect(batches.map((b) => b.map((l) => l.text))).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7']]);
  });

  it('keeps a last line without newline and decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('{"navn":"Ærø Ø"}\nsidste', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "Æ"
    const batches = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(batches.flat()).toEqual([
      { line: 1, text: '{"navn":"Ærø Ø"}' },
      { line: 2, text: 'sidste' },
    ]);
  });

  it('skips a byte-order mark at the start and flags bytes that are not UTF-8', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const latin1 = Buffer.from('{"navn":"Ærø"}\n', 'latin1');
    const batches = await collect([Buffer.concat([bom, Buffer.from('{"a":1}\n'), latin1, Buffer.from('{"b":"\uFFFD ok"}\n')])]);
    const lines = batches.flat();
    expect(lines[0]).toEqual({ line: 1, text: '{"a":1}' });
    expect(lines[1]!.invalidUtf8).toBe(true);
    expect(lines[2]).toEqual({ line: 3, text: '{"b":"\uFFFD ok"}' }); // a real U+FFFD is fine
  });
});
