import type { DuckDBAppender, DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { buildSqlValidator } from '../schemas/sqlValidator.ts';
import { CPR_HINT, redactCpr, validateLine, type Reason } from '../schemas/validate.ts';
import type { LineBatch } from './lines.ts';

/** The rules of lines rejected before any parsing. */
export const LINE_RULES = {
  empty: 'empty line; expected one JSON object',
  notUtf8: 'not valid UTF-8; NDJSON must be UTF-8 encoded',
  // (the words follow MAX_LINE_BYTES = 1 MiB and LONG_LINE_KEPT_BYTES = 1,000 in lines.ts)
  tooLong: 'longer than 1 MiB; one event is a JSON object of a few kilobytes at most (the first 1,000 bytes of the line are kept)',
} as const;

/**
 * Validation of a batch in bulk: DuckDB checks every line against SQL derived from the zod
 * schemas (schemas/sqlValidator.ts); only the lines it is not sure about are parsed by zod,
 * which has the last word and words the reasons. The result is the table `stage.checked_<slot>`:
 * one row per valid line with its envelope and data (column i keeps the input order).
 *
 * Lines are routed to one staging table per event type by a cheap look at their text, so each
 * type's SQL reads only its own lines. The route is only a hint: each type's SQL checks the
 * real top-level type, and a line routed wrongly is simply not vouched for and goes to zod.
 * A line with a CPR-like digit run (CPR_HINT) is routed to no type's SQL: zod decides it.
 */

export interface RejectedLine {
  line: number;
  reasons: Reason[];
  raw: string;
}

export interface BulkVerdicts {
  /** Lines that passed, in `stage.checked_<slot>` (ok = true). */
  valid: number;
  rejected: RejectedLine[];
  /** Lines zod had to decide (should be few: the benchmark and a test watch it). */
  decidedByZod: number;
}

const VALIDATOR = buildSqlValidator();
const ROUTED = new Set<string>(VALIDATOR.types.map((t) => t.type));
const OTHER = 'other';
const ROUTES = [...VALIDATOR.types.map((t) => t.type), OTHER];
const TYPE_HINT = /"type"\s*:\s*"([A-Za-z]+)"/;

/**
 * Staging lives in an in-memory database attached as `stage`, shared by the connections of one
 * DuckDB instance, in slots: while one batch is staged in a slot, the one before it is checked
 * in another and the one before that is committed to the log from a third, each on its own
 * connection.
 */
export type Slot = 0 | 1 | 2;
const raw = (route: string, slot: Slot) => `stage.raw_${route}_${slot}`;
/** Every staged line of a slot (i, body), whatever its route. */
export const rawLines = (slot: Slot) => `stage.raw_all_${slot}`;
export const checkedTable = (slot: Slot) => `stage.checked_${slot}`;
export const dlqTable = (slot: Slot) => `stage.dlq_${slot}`;
/** The embedded log's lookup of a slot's eventIds (producers/embeddedLog.ts): their hashes, and the log's events with one. */
export const idHashTable = (slot: Slot) => `stage.id_hashes_${slot}`;
export const knownTable = (slot: Slot) => `stage.known_${slot}`;

const stagingDdl = (slot: Slot) => [
  ...ROUTES.map((r) => `CREATE OR REPLACE TABLE ${raw(r, slot)} (i INTEGER, body VARCHAR)`),
  `CREATE OR REPLACE VIEW ${rawLines(slot)} AS ${ROUTES.map((r) => `SELECT i, body FROM ${raw(r, slot)}`).join(' UNION ALL ')}`,
  `CREATE OR REPLACE TABLE ${checkedTable(slot)} (
     i INTEGER, ok BOOLEAN, event_id VARCHAR, type VARCHAR, schema_version VARCHAR, municipality VARCHAR,
     case_id VARCHAR, occurred_on VARCHAR, recorded_at VARCHAR, source VARCHAR, data VARCHAR)`,
  `CREATE OR REPLACE TABLE ${dlqTable(slot)} (line BIGINT, reasons VARCHAR, raw VARCHAR)`,
  `CREATE OR REPLACE TABLE ${idHashTable(slot)} (h UBIGINT)`,
  `CREATE OR REPLACE TABLE ${knownTable(slot)} (event_id VARCHAR)`,
];

/**
 * One INSERT … SELECT over the covered types a batch holds, each reading its own staging table and
 * only its schema's paths. A bulk batch holds every type; a small one (an HTTP POST) a few, and
 * each type left out saves its part's setup (measured: 10,000 events checked in ~60 ms instead of ~100 ms).
 */
const checkSql = (slot: Slot, types: ReadonlySet<string>) => `INSERT INTO ${checkedTable(slot)} (i, ok, event_id, type, schema_version, municipality, case_id, occurred_on, recorded_at, source, data)
  ${VALIDATOR.types
    .filter((tv) => types.has(tv.type))
    .map((tv) => tv.verdicts(raw(tv.type, slot)))
    .join('\nUNION ALL\n')}`;
/** The check's SQL per slot and set of types (there are few distinct sets: prepared once each). */
const checkSqls = new Map<string, string>();
function checkSqlFor(slot: Slot, types: ReadonlySet<string>): string {
  const key = `${slot}:${[...types].sort().join(',')}`;
  let sql = checkSqls.get(key);
  if (sql === undefined) checkSqls.set(key, (sql = checkSql(slot, types)));
  return sql;
}
const unsureSql = (slot: Slot) =>
  `SELECT r.i, r.body FROM ${rawLines(slot)} r ANTI JOIN (SELECT i FROM ${checkedTable(slot)} WHERE ok) c ON c.i = r.i ORDER BY r.i`;
const UNSURE_SQL: Record<Slot, string> = { 0: unsureSql(0), 1: unsureSql(1), 2: unsureSql(2) };
const vouchedSql = (slot: Slot) => `SELECT count(*) FROM ${checkedTable(slot)} WHERE ok`;
const VOUCHED_SQL: Record<Slot, string> = { 0: vouchedSql(0), 1: vouchedSql(1), 2: vouchedSql(2) };

/**
 * Statements prepared once per connection: planning the check's SQL takes about as long as
 * checking 5,000 lines, and a small batch's other statements are planned in about the time they
 * run. DuckDB plans a statement again by itself when a table it reads was created anew.
 */
const plans = new WeakMap<DuckDBConnection, Map<string, Promise<DuckDBPreparedStatement>>>();

export function prepared(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  let byConn = plans.get(conn);
  if (!byConn) plans.set(conn, (byConn = new Map()));
  let plan = byConn.get(sql);
  if (!plan) {
    byConn.set(sql, (plan = conn.prepare(sql)));
    plan.catch(() => byConn.delete(sql));
  }
  return plan;
}

/**
 * Creates (or empties) a slot's tables. Emptying is creating anew: a DELETE leaves the deleted
 * rows' storage behind in memory until the stage is checkpointed.
 */
export async function prepareStaging(conn: DuckDBConnection, slot: Slot): Promise<void> {
  await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS stage`);
  for (const ddl of stagingDdl(slot)) await conn.run(ddl);
}

/**
 * A batch of up to this many lines is one someone waits for (an HTTP POST), not one of a bulk
 * import's: its fixed costs are worth cutting, and it has no other batch to overlap with.
 */
export const SMALL_BATCH = 25_000;

/**
 * Empties a slot after its batch was committed. A small batch is deleted and the stage
 * checkpointed, which frees the rows' memory (unless another connection is writing to the stage
 * just then: then a later checkpoint does), and the check's plan stays valid. A large batch's
 * tables are created anew, which frees their memory at once.
 */
export async function releaseSlot(conn: DuckDBConnection, slot: Slot, lines: number): Promise<void> {
  if (lines > SMALL_BATCH) return prepareStaging(conn, slot);
  for (const table of [...ROUTES.map((r) => raw(r, slot)), checkedTable(slot), dlqTable(slot), idHashTable(slot), knownTable(slot)]) await conn.run(`DELETE FROM ${table}`);
  await conn.run('CHECKPOINT stage');
}

/** A batch's lines appended to a slot's staging tables, waiting for their check. */
export interface StagedBatch {
  slot: Slot;
  received: number;
  /** Input line number of each staged row, by its index i. */
  lineOf: number[];
  /** Lines rejected before staging (empty lines). */
  rejected: RejectedLine[];
  /** The event types rows were routed to (none: the SQL check has nothing to do). */
  routed: ReadonlySet<string>;
}

/**
 * Step 1: routes a batch's lines into `slot` (free: its previous batch committed), piece by piece
 * as they are read, so that no more than a piece's strings are alive at once. JavaScript and
 * appenders only, so it runs on its own connection while DuckDB checks the batch before it.
 */
export class BatchStager {
  private readonly appenders = new Map<string, DuckDBAppender>();
  /** Input line number of each staged row, by its index i. */
  private readonly lineOf: number[] = [];
  private readonly rejected: RejectedLine[] = [];
  private received = 0;

  constructor(
    private readonly conn: DuckDBConnection,
    readonly slot: Slot,
  ) {}

  /** Stages the next lines of the batch. */
  async add({ firstLine, texts, invalidUtf8, tooLong }: LineBatch): Promise<void> {
    const { lineOf, rejected } = this;
    this.received += texts.length;
    for (let n = 0; n < texts.length; n++) {
      const text = texts[n]!;
      const line = firstLine + n;
      if (tooLong.size > 0 && tooLong.has(n)) {
        rejected.push({ line, reasons: [{ path: 'line', rule: LINE_RULES.tooLong }], raw: redactCpr(text) });
        continue;
      }
      if (text.trim() === '') {
        rejected.push({ line, reasons: [{ path: 'line', rule: LINE_RULES.empty }], raw: text });
        continue;
      }
      if (invalidUtf8.size > 0 && invalidUtf8.has(n)) {
        rejected.push({ line, reasons: [{ path: 'line', rule: LINE_RULES.notUtf8 }], raw: redactCpr(text) });
        continue;
      }
      // A line with a CPR-like digit run goes to zod, which knows the exact rule, by the route no SQL checks.
      const hint = typeHint(text);
      const route = hint !== undefined && ROUTED.has(hint) && !CPR_HINT.test(text) ? hint : OTHER;
      let app = this.appenders.get(route);
      if (!app) this.appenders.set(route, (app = await this.conn.createAppender(raw(route, this.slot).slice('stage.'.length), 'main', 'stage')));
      // i, the row's index among the staged lines
      app.appendInteger(lineOf.length);
      app.appendVarchar(text);
      app.endRow();
      lineOf.push(line);
    }
  }

  /** Flushes the staged rows; the batch is then ready for its check. */
  finish(): StagedBatch {
    for (const app of this.appenders.values()) app.closeSync();
    const routed = new Set([...this.appenders.keys()].filter((r) => r !== OTHER));
    this.appenders.clear();
    return { slot: this.slot, received: this.received, lineOf: this.lineOf, rejected: this.rejected, routed };
  }

  /** Drops what was appended but not flushed (the batch is abandoned). */
  abandon(): void {
    for (const app of this.appenders.values()) {
      try {
        app.closeSync();
      } catch {
        // The import failed already; that error is the one reported.
      }
    }
    this.appenders.clear();
  }
}

/** Step 1 for a whole batch at once. */
export async function stageLines(conn: DuckDBConnection, slot: Slot, batch: LineBatch): Promise<StagedBatch> {
  const stager = new BatchStager(conn, slot);
  await stager.add(batch);
  return stager.finish();
}

/** The event type a line names, by a look at its text: the usual `"type":"` first, else a pattern allowing spaces. */
function typeHint(text: string): string | undefined {
  const at = text.indexOf('"type":"');
  if (at !== -1) {
    const end = text.indexOf('"', at + 8);
    if (end !== -1) return text.slice(at + 8, end);
  }
  return TYPE_HINT.exec(text)?.[1];
}

/**
 * Step 2: checks a staged batch: valid lines end up in `stage.checked_<slot>`, rejected ones in
 * `stage.dlq_<slot>` (and in the verdicts, with reasons).
 */
export async function checkStaged(conn: DuckDBConnection, staged: StagedBatch): Promise<BulkVerdicts> {
  const { slot, lineOf } = staged;
  const rejected = [...staged.rejected];
  if (staged.routed.size > 0) await (await prepared(conn, checkSqlFor(slot, staged.routed))).run();

  // Everything SQL did not vouch for goes to zod: invalid JSON, unknown types, and any doubt.
  // Usually SQL vouched for every line, which a count of its verdicts tells faster than the search.
  const vouched = staged.routed.size > 0 ? Number((await (await prepared(conn, VOUCHED_SQL[slot])).runAndReadAll()).getRowsJS()[0]![0]) : 0;
  // Planned anew each time, not prepared once: a plan keeps the statistics of the tables as they
  // were, and DuckDB then packs lines no longer than 15 bytes into a number to sort them; a later
  // batch's longer lines came back cut and padded with garbage (a server's first POST of short bad
  // lines, then any line for zod).
  const unsure = vouched === lineOf.length ? [] : ((await conn.runAndReadAll(UNSURE_SQL[slot])).getRowObjectsJS() as { i: number; body: string }[]);
  let rescued = 0;
  if (unsure.length > 0) {
    const fix = await conn.createAppender(checkedTable(slot).slice('stage.'.length), 'main', 'stage');
    for (const { i, body } of unsure) {
      const verdict = validateLine(body);
      if (!verdict.ok) {
        rejected.push({ line: lineOf[i]!, reasons: verdict.reasons, raw: redactCpr(body) });
        continue;
      }
      // Valid after all (say 1.0 for 1, or a ten-digit run that is no date): zod's reading is kept.
      const e = verdict.event;
      fix.appendInteger(i);
      fix.appendBoolean(true);
      for (const value of [e.eventId, e.type, String(e.schemaVersion), e.municipality, 'caseId' in e ? e.caseId : undefined, e.occurredOn, e.recordedAt, e.source, JSON.stringify(e.data)]) {
        if (value === undefined) fix.appendNull();
        else fix.appendVarchar(value);
      }
      fix.endRow();
      rescued++;
    }
    fix.closeSync();
  }
  rejected.sort((a, b) => a.line - b.line);
  if (rejected.length > 0) {
    const app = await conn.createAppender(dlqTable(slot).slice('stage.'.length), 'main', 'stage');
    for (const r of rejected) {
      app.appendBigInt(BigInt(r.line));
      app.appendVarchar(JSON.stringify(r.reasons));
      app.appendVarchar(r.raw);
      app.endRow();
    }
    app.closeSync();
  }
  return { valid: lineOf.length - (unsure.length - rescued), rejected, decidedByZod: unsure.length };
}

/** Both steps on one connection. */
export async function validateInBulk(conn: DuckDBConnection, slot: Slot, batch: LineBatch): Promise<BulkVerdicts> {
  return checkStaged(conn, await stageLines(conn, slot, batch));
}
