import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, resolvePaths, type Database } from '../consumers/database.ts';
import { checkedTable, prepareStaging, validateInBulk } from '../producers/bulkValidation.ts';
import { lineBatch } from '../producers/lines.ts';
import { simulate } from '../producers/simulator/index.ts';
import { EVENT_TYPES } from '../schemas/events.ts';
import { buildSqlValidator } from '../schemas/sqlValidator.ts';
import { validateLine } from '../schemas/validate.ts';
import { CANONICAL, VALID, clone } from './fixtures/events.ts';
import { tempDir } from './helpers.ts';

/**
 * The bulk validator must give zod's verdict on every line. The SQL may only vouch for lines zod
 * accepts (it sends everything else to zod), so the proof is: over a corpus of valid and invalid
 * events, no line is vouched for by SQL and rejected by zod, and the verdicts of the whole
 * pipeline equal zod's line by line.
 */

const WRONG_VALUES: unknown[] = [null, 0, -1, 1.5, 6, 1e20, '', 'x'.repeat(101), true, [], {}, '2024-02-30', '2024-2-3', ' 350', 'SEL104', 3];

function* leafPaths(value: unknown, path: (string | number)[] = []): Generator<(string | number)[]> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* leafPaths(v, [...path, Array.isArray(value) ? Number(k) : k]);
    if (path.length > 0) yield path;
  } else yield path;
}

function setAt(obj: Record<string, unknown>, path: (string | number)[], value: unknown, del = false): Record<string, unknown> {
  const copy = clone(obj);
  let cur: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (del) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** Valid examples (as written, and in the fast way's canonical form), each mutated at every field in every way listed; plus text-level oddities. */
function corpus(): string[] {
  const lines: string[] = [];
  for (const type of EVENT_TYPES) {
    for (const valid of [VALID[type], CANONICAL[type]]) {
      lines.push(JSON.stringify(valid), JSON.stringify(valid, null, 2).replaceAll('\n', ' '));
      for (const path of leafPaths(valid)) {
        lines.push(JSON.stringify(setAt(valid, path, undefined, true)));
        for (const wrong of WRONG_VALUES) lines.push(JSON.stringify(setAt(valid, path, wrong)));
      }
      lines.push(JSON.stringify({ ...valid, extra: 1 }));
      lines.push(JSON.stringify({ ...valid, data: { ...(valid.data as object), extra: 1 } }));
      const text = JSON.stringify(valid);
      const id = `"eventId":"${valid.eventId as string}"`;
      lines.push(text.replace('"schemaVersion":1', '"schemaVersion":1.0'));
      lines.push(text.replace('"schemaVersion":1', '"schemaVersion":"1"'));
      lines.push(text.replace('"schemaVersion":1', '"schemaVersion":1,"schemaVersion":2'));
      lines.push(text.replace(/"municipality":"(\d+)"/, '"municipality":"$1","municipality":"35"'));
      lines.push(text.replace('"eventId":"', '"eventId":"\\u0041'));
      lines.push(text.replace(/"municipality":"(\d+)"/, '"municipality":"\\u0033\\u0035\\u0030"'));
      lines.push(text.replace(id, '"eventId":"0101801234"'));
      lines.push(text.replace(id, '"eventId":"3213991234"'));
      lines.push(text.replace(id, '"eventId":"\\u00301018\\u00301234"'));
      lines.push(text.replace(id, `"eventId":"${'é'.repeat(60)}"`));
      lines.push(text.replace(id, `"eventId":"${'😀'.repeat(50)}"`));
      lines.push(text.replace(id, `"eventId":"${'😀'.repeat(51)}"`));
      lines.push(text.replace(id, `${id},"extra":null`));
      lines.push(text.replace('"source":"case-system"', '"source":null'));
      lines.push(text.slice(0, -1));
      lines.push(`[${text}]`);
    }
  }
  const d = clone(VALID.DecisionMade);
  (d.data as Record<string, unknown>).outcome = 'rejected';
  lines.push(JSON.stringify(d));
  delete (d.data as Record<string, unknown>).grant;
  lines.push(JSON.stringify(d));
  lines.push('42', '"a string"', 'null', '{}', '{"type":"ServiceEnded"}', 'not json', '{"eventId": }');
  return lines;
}

describe('bulk validation in DuckDB gives zod’s verdict on every line', () => {
  const tmp = tempDir('sel104-sqlval-');
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(resolvePaths({ db: tmp.db }));
    await prepareStaging(db.conn, 0);
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  async function verdicts(lines: string[]) {
    const result = await validateInBulk(db.conn, 0, lineBatch(lines));
    const checked = checkedTable(0);
    const vouched = new Set(
      (await queryRows<{ i: number }>(db.conn, `SELECT i FROM ${checked} c WHERE ok AND i NOT IN (SELECT i FROM ${checked} WHERE NOT ok)`)).map((r) => r.i),
    );
    await prepareStaging(db.conn, 0);
    return { result, vouched };
  }

  it('covers every event type with SQL (no refinement without its mirror)', () => {
    expect(buildSqlValidator().uncovered).toEqual([]);
  });

  it('never vouches for a line zod rejects, and agrees with zod line by line', async () => {
    const lines = corpus();
    expect(lines.length).toBeGreaterThan(2000);
    const { result, vouched } = await verdicts(lines);
    const zod = lines.map((l) => validateLine(l));
    const falseAccepts = [...vouched].filter((i) => !zod[i]!.ok).map((i) => lines[i]);
    expect(falseAccepts).toEqual([]);
    const rejectedLines = new Set(result.rejected.map((r) => r.line));
    const disagreements = lines.filter((_, i) => rejectedLines.has(i + 1) === zod[i]!.ok);
    expect(disagreements).toEqual([]);
    // Reasons are zod's, word for word.
    for (const r of result.rejected) {
      const z = zod[r.line - 1]!;
      expect(z.ok ? [] : z.reasons).toEqual(r.reasons);
    }
    // A CPR number spelled with escapes (in the corpus for every type) is rejected by both.
    const escapedCpr = lines.flatMap((l, i) => (l.includes('\\u00301018') ? [i + 1] : []));
    expect(escapedCpr.length).toBe(2 * EVENT_TYPES.length);
    for (const n of escapedCpr) expect(rejectedLines.has(n)).toBe(true);
    // The corpus really mixes both kinds.
    expect(result.rejected.length).toBeGreaterThan(1000);
    expect(result.valid).toBeGreaterThan(100);
  });

  it('judges lines in the canonical form by the fast way, valid and invalid ones alike', async () => {
    // Which corpus lines the fast way reads: written back from the structure, they are themselves.
    const lines = corpus();
    const byType = new Map(buildSqlValidator().types.map((tv) => [tv.type, tv.structure]));
    await db.conn.run(`CREATE OR REPLACE TEMP TABLE corpus (i INTEGER, type VARCHAR, body VARCHAR)`);
    const app = await db.conn.createAppender('corpus', 'main', 'temp');
    lines.forEach((body, i) => {
      const type = /"type":"([A-Za-z]+)"/.exec(body)?.[1];
      app.appendInteger(i);
      if (type === undefined || !byType.has(type as never)) app.appendNull();
      else app.appendVarchar(type);
      app.appendVarchar(body);
      app.endRow();
    });
    app.closeSync();
    const cases = [...byType].map(([type, structure]) => `WHEN '${type}' THEN CAST(to_json(json_transform(body, '${structure}')) AS VARCHAR) = body`).join(' ');
    const fast = await queryRows<{ i: number }>(db.conn, `SELECT i FROM corpus WHERE TRY(CASE type ${cases} END)`);
    const fastLines = fast.map((r) => lines[r.i]!);
    // Every canonical example is read the fast way …
    for (const type of EVENT_TYPES) expect(fastLines).toContain(JSON.stringify(CANONICAL[type]));
    // … and so are many of its mutations, zod rejecting a good share of them: the fast way's checks are what judged those.
    const rejectedByZod = fastLines.filter((l) => !validateLine(l).ok);
    expect(fastLines.length).toBeGreaterThan(500);
    expect(rejectedByZod.length).toBeGreaterThan(300);
    // Lines the fast way cannot read: an optional key absent, whitespace between tokens.
    expect(fastLines).not.toContain(JSON.stringify(VALID.AttendanceRegistered));
    expect(fastLines.filter((l) => l.includes('": '))).toEqual([]);
  });

  it('vouches for every simulated event itself, so zod is the exception and not the rule', async () => {
    const lines = [...simulate({ from: '2023-01-01', to: '2023-12-31', seed: 3 })].map((e) => JSON.stringify(e));
    const types = new Set(lines.map((l) => (JSON.parse(l) as { type: string }).type));
    expect(types.size).toBe(EVENT_TYPES.length);
    const { result, vouched } = await verdicts(lines);
    expect(result.rejected).toEqual([]);
    expect(result.decidedByZod).toBe(0);
    expect(vouched.size).toBe(lines.length);
  });
});
