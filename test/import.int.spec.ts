import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../consumers/database.ts';
import { importLines } from '../producers/importer.ts';
import { BIN, ROOT, cli, projectionDigest, tempDir, withDb } from './helpers.ts';
import { expectedFor, randomLines } from './fixtures/randomLines.ts';

const FIXTURE = join(ROOT, 'test/fixtures/mixed.ndjson');

describe('sel104 import (real DuckDB files on disk)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  let first: ReturnType<typeof cli>;
  beforeAll(() => {
    first = cli(['import', FIXTURE, '--json'], { db: tmp.db });
  });

  it('accounts for every line: accepted, duplicate or rejected; exit 3 when some were rejected', () => {
    // 14 lines: 6 good, line 8 repeats line 2's eventId, 7 bad (lines 4, 6, 7, 9, 10, 13, 14).
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual({ received: 14, accepted: 6, duplicates: 1, rejected: 7 });
    expect(first.status).toBe(3);
  });

  it('keeps each rejected line in the dead-letter store with source, line, specific reasons and raw text', () => {
    const dlq = cli(['dlq', '--format', 'json'], { db: tmp.db });
    expect(dlq.status).toBe(0);
    const rows = JSON.parse(dlq.stdout) as { line: number; source: string; reasons: { path: string; rule: string }[]; raw: string }[];
    const byLine = new Map(rows.map((r) => [r.line, r]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([4, 6, 7, 9, 10, 13, 14]);
    const reasons = (n: number) => byLine.get(n)!.reasons.map((r) => `${r.path}: ${r.rule}`);
    expect(reasons(4)).toEqual(['data.grant.daysPerWeek: must be 1–5']);
    expect(reasons(6)[0]).toMatch(/^line: not valid JSON/);
    expect(reasons(7)).toEqual(['line: must be one JSON object per line, not an array']);
    expect(reasons(9)).toEqual(['occurredOn: must be a real calendar date']);
    expect(reasons(10)).toEqual(['data.note: unknown field']);
    expect(reasons(13)).toContain('data.reason: looks like a CPR number; no CPR number may enter the pipeline');
    expect(reasons(14)).toEqual(['schemaVersion: unsupported schemaVersion 3; supported: 1']);
    expect(byLine.get(6)!.raw).toBe('not json at all');
    expect(byLine.get(4)!.source).toBe(FIXTURE);
    // The CPR number itself never enters the store.
    expect(byLine.get(13)!.raw).not.toContain('010180-1234');
    expect(byLine.get(13)!.raw).toContain('XXXXXX-XXXX');
  });

  it('accepts events for a case and an offer not seen yet, stamping ingestion time when recordedAt is absent', async () => {
    await withDb(tmp.db, async ({ conn }) => {
      const rows = await queryRows<{ case_id: string; offer_id: string; recorded_at: Date }>(
        conn,
        `SELECT case_id, offer_id, recorded_at FROM attendance WHERE event_id = 't-4'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.offer_id).toBe('o-404');
      expect(Date.now() - rows[0]!.recorded_at.getTime()).toBeLessThan(10 * 60_000);
      const counts = await queryRows<{ t: string; n: bigint }>(
        conn,
        `SELECT 'applications' t, count(*) n FROM applications UNION ALL SELECT 'decisions', count(*) FROM decisions
         UNION ALL SELECT 'attendance', count(*) FROM attendance UNION ALL SELECT 'offers', count(*) FROM offers
         UNION ALL SELECT 'service_starts', count(*) FROM service_starts ORDER BY t`,
      );
      expect(Object.fromEntries(counts.map((r) => [r.t, Number(r.n)]))).toEqual({
        applications: 1, attendance: 2, decisions: 1, offers: 1, service_starts: 1,
      });
    });
  });

  it('the same import again: all duplicates or rejected, no table changes, no new dead letters', async () => {
    const before = await projectionDigest(tmp.db);
    const dlqBefore = JSON.parse(cli(['dlq', '--format', 'json'], { db: tmp.db }).stdout) as unknown[];
    const again = cli(['import', FIXTURE, '--json'], { db: tmp.db });
    expect(JSON.parse(again.stdout)).toEqual({ received: 14, accepted: 0, duplicates: 7, rejected: 7 });
    expect(await projectionDigest(tmp.db)).toEqual(before);
    expect(JSON.parse(cli(['dlq', '--format', 'json'], { db: tmp.db }).stdout)).toHaveLength(dlqBefore.length);
  });

  it('rebuild replays the log into the same tables', async () => {
    const before = await projectionDigest(tmp.db);
    expect(before.attendance!.rows).toBe(2);
    const r = cli(['rebuild'], { db: tmp.db });
    expect(r.status).toBe(0);
    expect(await projectionDigest(tmp.db)).toEqual(before);
  });

  it('reads standard input with -, and exits 0 when nothing was rejected', () => {
    const good = readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 3).join('\n');
    const r = cli(['import', '-', '--json'], { db: tmp.db, input: good.replaceAll('"o-1"', '"o-9"').replace('"a-1"', '"a-9"').replace('"d-1"', '"d-9"') });
    expect(JSON.parse(r.stdout)).toEqual({ received: 3, accepted: 3, duplicates: 0, rejected: 0 });
    expect(r.status).toBe(0);
  });
});

describe('encodings', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('accepts a byte-order mark and rejects a line that is not UTF-8, by line number', () => {
    const offer = (id: string, name: string) =>
      `{"eventId":"${id}","type":"OfferRegistered","schemaVersion":1,"municipality":"350","occurredOn":"2024-01-01",` +
      `"data":{"offerId":"${id}","name":"${name}","provider":{"name":"x","kind":"private"},"legalBasis":"SEL104",` +
      `"approvedBySocialtilsyn":true,"listedOnTilbudsportalen":true}}\n`;
    const file = join(tmp.dir, 'mixed-encoding.ndjson');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(offer('o-1', 'Ærø'), 'utf8'), Buffer.from(offer('o-2', 'Ærø'), 'latin1')]));
    const r = cli(['import', file, '--json'], { db: tmp.db });
    expect(JSON.parse(r.stdout)).toEqual({ received: 2, accepted: 1, duplicates: 0, rejected: 1 });
    const dlq = JSON.parse(cli(['dlq', '--format', 'json'], { db: tmp.db }).stdout) as { line: number; reasons: { path: string; rule: string }[] }[];
    expect(dlq.map((d) => [d.line, d.reasons])).toEqual([[2, [{ path: 'line', rule: 'not valid UTF-8; NDJSON must be UTF-8 encoded' }]]]);
  });

  it('rejects a line over 1 MiB by line number, keeping its first 1,000 bytes, and imports the lines after it', () => {
    const offer = (id: string) =>
      `{"eventId":"${id}","type":"OfferRegistered","schemaVersion":1,"municipality":"350","occurredOn":"2024-01-01",` +
      `"data":{"offerId":"${id}","name":"Værkstedet","provider":{"name":"x","kind":"private"},"legalBasis":"SEL104",` +
      `"approvedBySocialtilsyn":true,"listedOnTilbudsportalen":true}}\n`;
    // a JSON array of 3 MiB on one line (many chunks of the file), and a last line just over the limit without a newline
    const big = `[${'{"eventId":"x"},'.repeat(200_000)}{}]`;
    const file = join(tmp.dir, 'long-lines.ndjson');
    writeFileSync(file, offer('long-0') + big + '\n' + offer('long-2') + 'x'.repeat((1 << 20) + 1));
    const r = cli(['import', file, '--json'], { db: tmp.db });
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ received: 4, accepted: 2, duplicates: 0, rejected: 2 });
    const dlq = JSON.parse(cli(['dlq', '--format', 'json'], { db: tmp.db }).stdout) as { line: number; source: string; reasons: { path: string; rule: string }[]; raw: string }[];
    const rule = 'longer than 1 MiB; one event is a JSON object of a few kilobytes at most (the first 1,000 bytes of the line are kept)';
    const long = dlq.filter((d) => d.source.endsWith('long-lines.ndjson'));
    expect(long.map((d) => [d.line, d.reasons])).toEqual([[2, [{ path: 'line', rule }]], [4, [{ path: 'line', rule }]]]);
    expect(long.map((d) => d.raw)).toEqual([big.slice(0, 1000), 'x'.repeat(1000)]);
  });
});

describe('timestamps without seconds (ISO 8601 lets them go)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('a recordedAt without seconds is read as :00, and so is --as-of (both failed: a DuckDB conversion error, the whole import lost)', async () => {
    const offer = (id: string, recordedAt: string) =>
      `{"eventId":"${id}","type":"OfferRegistered","schemaVersion":1,"municipality":"350","occurredOn":"2024-01-01","recordedAt":"${recordedAt}",` +
      `"data":{"offerId":"${id}","name":"Tilbud ${id}","provider":{"name":"x","kind":"private"},"legalBasis":"SEL104",` +
      `"approvedBySocialtilsyn":true,"listedOnTilbudsportalen":true}}`;
    const file = join(tmp.dir, 'minutes.ndjson');
    writeFileSync(file, [offer('o-1', '2024-01-01T10:00:00+01:00'), offer('o-2', '2024-01-01T10:30+01:00'), offer('o-3', '2024-01-01T11:00Z')].join('\n') + '\n');
    const r = cli(['import', file, '--json'], { db: tmp.db });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ received: 3, accepted: 3, duplicates: 0, rejected: 0 });
    await withDb(tmp.db, async (db) => {
      const rows = await queryRows<{ event_id: string; at: string }>(db.conn, `SELECT event_id, strftime(recorded_at AT TIME ZONE 'UTC', '%H:%M:%S') AS at FROM log.events ORDER BY position`);
      expect(rows.map((x) => [x.event_id, x.at])).toEqual([['o-1', '09:00:00'], ['o-2', '09:30:00'], ['o-3', '11:00:00']]);
    });
    // as of 10:45 Copenhagen (09:45 UTC): o-1 and o-2 were recorded, o-3 not yet
    const dq = cli(['report', 'data-quality', '--as-of', '2024-01-01T10:45+01:00', '--on', '2024-01-02', '--format', 'json'], { db: tmp.db });
    expect(dq.status, dq.stderr).toBe(0);
  });
});

describe('no CPR number in the dead-letter store', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('a file named with a CPR number is kept as the source with the number masked', () => {
    const file = join(tmp.dir, 'borger-010180-1234.ndjson');
    writeFileSync(file, 'not json\n');
    expect(cli(['import', file, '--json'], { db: tmp.db }).status).toBe(3);
    const dlq = JSON.parse(cli(['dlq', '--format', 'json'], { db: tmp.db }).stdout) as { source: string }[];
    expect(dlq.map((d) => d.source)).toEqual([join(tmp.dir, 'borger-XXXXXX-XXXX.ndjson')]);
  });
});

describe('CLI errors are one clear line with the catalogue exit code', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('a missing file is bad usage: exit 2, no stack trace', () => {
    const r = cli(['import', '/nonexistent/events.ndjson'], { db: tmp.db });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no such file: \/nonexistent\/events\.ndjson/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a pipe is read like standard input (it was "no such file"); a device is bad usage', () => {
    const pipe = join(tmp.dir, 'pipe.duckdb');
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" import <(head -3 "${FIXTURE}") --json`], { encoding: 'utf8', env: { ...process.env, SEL104_DB: pipe } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ received: 3, accepted: 3, duplicates: 0, rejected: 0 });
    const device = cli(['import', '/dev/null'], { db: tmp.db });
    expect(device.status).toBe(2);
    expect(device.stderr).toBe('sel104: /dev/null is not a file; give an NDJSON file, a pipe, or - for standard input [SEL104_ERR_USAGE]\n');
  });

  it('a reader that stops early (simulate | head) ends it quietly with exit 0 (it said "write EPIPE", exit 1)', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--scale', '0.2'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((res) => child.on('close', res));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('an unknown command or option is bad usage: exit 2, one line with the code', () => {
    const typo = cli(['imprt'], { db: tmp.db });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe("sel104: unknown command 'imprt' (Did you mean import?); see sel104 --help [SEL104_ERR_USAGE]\n");
    expect(cli(['report', 'volume', '--format', 'xml'], { db: tmp.db }).stderr).toMatch(/^sel104: option .*Allowed choices are table, json, csv, excel-csv, parquet, arrow; see sel104 --help \[SEL104_ERR_USAGE\]\n$/);
    const r = cli(['simulate', '--scale', 'many'], { db: tmp.db });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--scale: must be a positive number/);
  });

  it('an --out in a folder that does not exist, or a folder, is bad usage before any work: exit 2, one line', () => {
    const cases: [string[], string][] = [
      [['simulate', '--scale', '0.01', '--out', '/nonexistent/ev.ndjson'], '--out: there is no folder /nonexistent to write /nonexistent/ev.ndjson in'],
      [['report', 'volume', '--format', 'parquet', '--out', '/nonexistent/v.parquet'], '--out: there is no folder /nonexistent to write /nonexistent/v.parquet in'],
      [['report', 'volume', '--format', 'csv', '--out', tmp.dir], `--out: ${tmp.dir} is a folder; give a file name`],
      [['council-report', '--municipality', '350', '--year', '2024', '--format', 'html', '--out', '/nonexistent/dir/r.html'], '--out: there is no folder /nonexistent/dir to write /nonexistent/dir/r.html in'],
    ];
    for (const [args, words] of cases) {
      const r = cli(args, { db: tmp.db });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`sel104: ${words} [SEL104_ERR_USAGE]`]);
    }
  });

  it('reading a database that is not there names it (no empty one reporting zeros); a folder given as a file is bad usage', () => {
    const none = join(tmp.dir, 'typo', 'sel104.duckdb');
    for (const args of [['report', 'volume'], ['dlq'], ['council-report', '--municipality', '350', '--year', '2024', '--format', 'html', '--out', join(tmp.dir, 'r.html')]]) {
      const r = cli(args, { db: none });
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr.trim().split('\n'), args[0]).toEqual([`sel104: no database at ${none}; import events first (sel104 import FILE), or name another with --db or SEL104_DB [SEL104_ERR_FILE_NOT_FOUND]`]);
    }
    expect(existsSync(join(tmp.dir, 'typo'))).toBe(false);
    const folder = cli(['report', 'volume'], { db: tmp.dir });
    expect([folder.status, folder.stderr.trim()]).toEqual([2, `sel104: the database ${tmp.dir} is a folder; give a file (--db or SEL104_DB) [SEL104_ERR_USAGE]`]);
    const input = cli(['import', tmp.dir], { db: tmp.db });
    expect([input.status, input.stderr.trim()]).toEqual([2, `sel104: ${tmp.dir} is a folder; give an NDJSON file (or - for standard input) [SEL104_ERR_USAGE]`]);
  });

  it('rebuild with no log says what to do, and creates nothing (it left two empty files for a mistyped --db)', () => {
    const missing = join(tmp.dir, 'typo.duckdb');
    for (const args of [['rebuild'], ['project', '--once']]) {
      const r = cli(args, { db: missing });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe(`sel104: no embedded log at ${join(tmp.dir, 'typo.log.duckdb')}; import events first (sel104 import FILE), or name another database with --db or SEL104_DB [SEL104_ERR_FILE_NOT_FOUND]`);
      expect(existsSync(missing) || existsSync(join(tmp.dir, 'typo.log.duckdb'))).toBe(false);
    }
  });

  it('a --db that is no DuckDB database, or is the log, is bad usage naming it (an NDJSON file was opened as an in-memory database: the import lost, reports zeros)', () => {
    const ndjson = join(tmp.dir, 'events.ndjson');
    writeFileSync(ndjson, '{"a":1}\n');
    const asDb = cli(['import', ndjson], { db: ndjson });
    expect(asDb.status).toBe(2);
    expect(asDb.stderr.trim()).toBe(`sel104: ${ndjson} is not a DuckDB database; --db names the projection database, such as data/sel104.duckdb [SEL104_ERR_USAGE]`);
    expect(existsSync(`${ndjson}.log.duckdb`)).toBe(false);
    const log = join(tmp.dir, 'x.log.duckdb');
    const asLog = cli(['report', 'volume'], { db: log });
    expect(asLog.status).toBe(2);
    expect(asLog.stderr).toMatch(/x\.log\.duckdb is the embedded log; --db names the projection database \(.*x\.duckdb\)/);
    const bad = cli(['import', ndjson], { db: join(tmp.dir, 'm.duckdb'), env: { SEL104_MEMORY_LIMIT: 'abc' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('sel104: SEL104_MEMORY_LIMIT: must be a size such as 512MB or 2GB (got "abc") [SEL104_ERR_USAGE]');
  });

  it('an invalid --standards directory stops every command with the file and field', () => {
    const dir = tempDir('sel104-badstd-');
    try {
      writeFileSync(join(dir.dir, '350.json'), JSON.stringify({ municipality: '350', name: 'x', versions: [] }));
      const r = cli(['schema', '--standards', dir.dir]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/350\.json: versions: /);
    } finally {
      dir.cleanup();
    }
  });

  it('schema prints a JSON Schema naming all 17 event types', () => {
    const r = cli(['schema']);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout) as { oneOf?: { properties: { type: { const: string } } }[]; anyOf?: unknown[] };
    const variants = (schema.oneOf ?? schema.anyOf) as { properties: { type: { const: string } } }[];
    expect(variants.map((v) => v.properties.type.const).sort()).toHaveLength(17);
  });
});

describe('batches cut across chunks', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('an input in 7-byte chunks, in batches of 3 lines, gives the counts, dead letters and tables of a one-chunk import', async () => {
    const bytes = readFileSync(FIXTURE);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, n) => bytes.subarray(n * 7, n * 7 + 7));
    const run = async (db: string, input: Buffer[], batchSize?: number) => {
      const result = await withDb(db, (d) => importLines(d, Readable.from(input), { source: 'chunks', batchSize, now: () => new Date('2024-06-01T00:00:00Z') }));
      const dlq = await withDb(db, (d) => queryRows<{ line: number; reasons: string }>(d.conn, `SELECT CAST(line AS INTEGER) AS line, reasons FROM log.dead_letters ORDER BY line`));
      return { counts: [result.received, result.accepted, result.duplicates, result.rejected], dlq, tables: await projectionDigest(db) };
    };
    const whole = await run(join(tmp.dir, 'whole.duckdb'), [bytes]);
    const cut = await run(join(tmp.dir, 'cut.duckdb'), chunks, 3);
    // The fixture's own figures (see above), so that a wrong split cannot agree with itself.
    expect(whole.counts).toEqual([14, 6, 1, 7]);
    expect(cut.counts).toEqual(whole.counts);
    expect(cut.dlq.map((d) => d.line)).toEqual([4, 6, 7, 9, 10, 13, 14]);
    expect(cut.dlq).toEqual(whole.dlq);
    expect(cut.tables).toEqual(whole.tables);
  });
});

describe('random lines through the import, in small batches', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('every line gets the verdict zod gives it alone, and each valid eventId is accepted once, whatever batch it is in', async () => {
    // First a batch of lines of at most 15 bytes, as a plan made on them once cut every later
    // line that zod had to judge (batches of 7 reuse the slots' plans).
    const random = randomLines(11);
    const texts = ['x', '{}', '[]', 'null', '{"type":"Nope"}', '"text"', '{"a":1}', ...Array.from({ length: 700 }, random.next)];
    const expected = expectedFor(texts, new Set());
    expect(expected.accepted).toBeGreaterThan(40);
    expect(expected.duplicates).toBeGreaterThan(200);
    expect(expected.rejected.length).toBeGreaterThan(200);
    const result = await withDb(tmp.db, (d) =>
      importLines(d, Readable.from([texts.join('\n') + '\n']), { source: 'random', batchSize: 7, maxRejectionsReported: texts.length }));
    expect({ received: result.received, accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejections }).toEqual(expected);
    // each rejected line in the dead-letter store, its raw text whole
    const dead = await withDb(tmp.db, (d) => queryRows<{ line: number; raw: string }>(d.conn, `SELECT CAST(line AS INTEGER) AS line, raw FROM log.dead_letters ORDER BY line`));
    expect(dead).toEqual(expected.rejected.map((r) => ({ line: r.line, raw: texts[r.line - 1] })));
  }, 60_000);
});

describe('sel104 dlq --format table', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('says when nothing was rejected, and cuts long reasons as it cuts raw text', () => {
    const good = join(tmp.dir, 'none.ndjson');
    writeFileSync(good, '');
    expect(cli(['import', good], { db: tmp.db }).status).toBe(0);
    // (an empty store printed a bare header)
    expect(cli(['dlq', '--format', 'table'], { db: tmp.db }).stdout).toBe('no rejected lines\n');
    const bad = join(tmp.dir, 'bad.ndjson');
    writeFileSync(bad, '{"eventId":"x","type":"Nope"}\n');
    expect(cli(['import', bad], { db: tmp.db }).status).toBe(3);
    // the unknown type's rule lists all 17 types: every row was padded to about 380 characters
    const table = cli(['dlq', '--format', 'table'], { db: tmp.db }).stdout.trimEnd().split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toMatch(/type: unknown event type "Nope"; expected one of .{20,}\.\.\. /);
    expect(Math.max(...table.map((l) => l.length))).toBeLessThan(260);
  });
});

describe('the dead-letter store keeps each line of an input once, whatever the input is called', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const dead = () => JSON.parse(cli(['dlq', '--format', 'json'], { db: tmp.db }).stdout) as { line: number; source: string; raw: string }[];

  it('the same file under another name adds none (a crashed import run again as ./file stored its dead letters twice)', () => {
    const file = join(tmp.dir, 'a.ndjson');
    writeFileSync(file, '{"eventId":"x-1","type":"Nope"}\n{not json\n');
    expect(cli(['import', file], { db: tmp.db }).status).toBe(3);
    expect(cli(['import', '-'], { db: tmp.db, input: readFileSync(file, 'utf8') }).status).toBe(3);
    expect(dead().map((d) => [d.line, d.source])).toEqual([[1, file], [2, file]]);
    // a longer export of the same lines adds only its new bad line
    writeFileSync(file, '{"eventId":"x-1","type":"Nope"}\n{not json\n{still not\n');
    expect(cli(['import', file], { db: tmp.db }).status).toBe(3);
    expect(dead().map((d) => d.line)).toEqual([1, 2, 3]);
  });

  it('two inputs with the same bad line at the same number keep both (two imports from stdin kept one)', () => {
    const before = dead().length;
    for (const first of ['{"eventId":"y-1","type":"Nope"}', '{"eventId":"y-2","type":"Nope"}']) {
      expect(cli(['import', '-'], { db: tmp.db, input: `${first}\n{not json\n` }).status).toBe(3);
    }
    const added = dead().slice(before);
    expect(added.filter((d) => d.raw === '{not json').map((d) => [d.line, d.source])).toEqual([[2, 'stdin'], [2, 'stdin']]);
  });
});
