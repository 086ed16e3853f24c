import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { numberedLineBatches, numberedLinePieces, type LineBatch } from '../producers/lines.ts';

const collect = async (chunks: (string | Buffer)[], batchSize = 2) => {
  const out: LineBatch[] = [];
  for await (const b of numberedLineBatches(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), batchSize)) out.push(b);
  return out;
};
/** Every line as { line, text } (and invalidUtf8, tooLong where flagged), across batches. */
const lines = (batches: LineBatch[]) =>
  batches.flatMap((b) =>
    b.texts.map((text, n) => ({
      line: b.firstLine + n,
      text,
      ...(b.invalidUtf8.has(n) ? { invalidUtf8: true } : {}),
      ...(b.tooLong.has(n) ? { tooLong: b.tooLong.get(n) } : {}),
    })),
  );

describe('numberedLineBatches', () => {
  it('numbers lines across chunk boundaries and batches, without an empty last line', async () => {
    const batches = await collect(['{"a":1}\n{"b"', ':2}\r\n\n{"c":3}\n']);
    expect(lines(batches)).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
      { line: 3, text: '' },
      { line: 4, text: '{"c":3}' },
    ]);
    expect(batches.map((b) => b.firstLine)).toEqual([1, 3]);
  });

  it('cuts batches of exactly the batch size, inside a chunk too', async () => {
    const batches = await collect(['1\n2\n3\n4\n5\n', '6\n7'], 3);
    expect(batches.map((b) => b.texts)).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7']]);
    expect(batches.map((b) => b.firstLine)).toEqual([1, 4, 7]);
  });

  it('keeps a last line without newline and decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('{"navn":"Ærø Ø"}\nsidste', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "Æ"
    const batches = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(lines(batches)).toEqual([
      { line: 1, text: '{"navn":"Ærø Ø"}' },
      { line: 2, text: 'sidste' },
    ]);
  });

  it('decodes an ASCII-only chunk and a chunk with UTF-8 alike, and a last line of either', async () => {
    const batches = await collect(['{"a":"plain"}\n', Buffer.from('{"b":"Søgård"}\n', 'utf8'), Buffer.from('{"c":"Å"}', 'utf8')], 10);
    expect(lines(batches)).toEqual([
      { line: 1, text: '{"a":"plain"}' },
      { line: 2, text: '{"b":"Søgård"}' },
      { line: 3, text: '{"c":"Å"}' },
    ]);
  });

  it('keeps a line whole across many chunks without a newline: its text, a character split between them, and bytes that are not UTF-8', async () => {
    const ae = Buffer.from('æ'); // two bytes, split between chunks
    const long = [Buffer.from('{"a":"'), Buffer.from('x'.repeat(1000)), ae.subarray(0, 1), ae.subarray(1), Buffer.from('y'.repeat(1000)), Buffer.from('"}\n{"b":1}\n')];
    expect(lines(await collect(long))).toEqual([{ line: 1, text: `{"a":"${'x'.repeat(1000)}æ${'y'.repeat(1000)}"}` }, { line: 2, text: '{"b":1}' }]);
    // a last line without newline, over several chunks; a byte that is not UTF-8 in a middle one
    const bad = [Buffer.from('{"c":1}\n{"d":"'), Buffer.from([0x61, 0xff, 0x62]), Buffer.from('"}')];
    expect(lines(await collect(bad))).toEqual([{ line: 1, text: '{"c":1}' }, { line: 2, text: '{"d":"a\uFFFDb"}', invalidUtf8: true }]);
  });

  it('skips a byte-order mark at the start and flags bytes that are not UTF-8', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const latin1 = Buffer.from('{"navn":"Ærø"}\n', 'latin1');
    const batches = await collect([Buffer.concat([bom, Buffer.from('{"a":1}\n'), latin1, Buffer.from('{"b":"\uFFFD ok"}\n')])], 10);
    const all = lines(batches);
    expect(all[0]).toEqual({ line: 1, text: '{"a":1}' });
    expect(all[1]!.invalidUtf8).toBe(true);
    expect(all[2]).toEqual({ line: 3, text: '{"b":"\uFFFD ok"}' }); // a real U+FFFD is fine
  });

  it('yields pieces of at most one chunk, the last piece of each full batch marked', async () => {
    const pieces = [];
    for await (const p of numberedLinePieces(Readable.from([Buffer.from('1\n2\n3\n4\n5\n'), Buffer.from('6\n7\n8')]), 3)) pieces.push(p);
    expect(pieces.map((p) => [p.firstLine, p.texts, p.endsBatch])).toEqual([
      [1, ['1', '2', '3'], true],
      [4, ['4', '5'], false],
      [6, ['6'], true],
      [7, ['7'], false],
      [8, ['8'], false],
    ]);
  });

  it('flags a line over the limit with its length, keeping its first bytes only, wherever it starts and ends', async () => {
    const piecesOf = async (chunks: string[], max: number, batchSize = 2) => {
      const out: LineBatch[] = [];
      for await (const p of numberedLinePieces(Readable.from(chunks.map((c) => Buffer.from(c))), batchSize, undefined, max)) out.push(p);
      return lines(out);
    };
    const long = 'L'.repeat(1500);
    const expected = [
      { line: 1, text: 'ok' },
      { line: 2, text: 'L'.repeat(1000), tooLong: 1500 },
      { line: 3, text: '1234' },
      { line: 4, text: 'after' },
    ];
    // inside one chunk; over many chunks (the rest only counted); from the end of one chunk into the next; with \r\n
    // ('after' is exactly the limit)
    expect(await piecesOf([`ok\n${long}\n1234\nafter\n`], 5)).toEqual(expected);
    expect(await piecesOf(['ok\nL', ...long.slice(1).match(/.{1,100}/g)!, '\n1234\nafter'], 5)).toEqual(expected);
    expect(await piecesOf([`ok\n${long.slice(0, 700)}`, `${long.slice(700)}\r\n1234\r\nafter`], 5, 1)).toEqual(expected);
    // a line of exactly the limit over two chunks is read; a last line over it, without a newline, is flagged
    expect(await piecesOf(['ok\n123', '45\n123456'], 5)).toEqual([{ line: 1, text: 'ok' }, { line: 2, text: '12345' }, { line: 3, text: '123456', tooLong: 6 }]);
    expect(await piecesOf(['ok\n123', '4', '56'], 5)).toEqual([{ line: 1, text: 'ok' }, { line: 2, text: '123456', tooLong: 6 }]);
  });
});
