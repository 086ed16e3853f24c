import type { DuckDBConnection } from '@duckdb/node-api';
import type { Admin, Batch, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ensureDeadLetterStore } from '../producers/embeddedLog.ts';
import { kafkaClient, unavailable, withinDeadline, type KafkaSettings } from '../producers/kafka.ts';
import { Sel104Error, toSel104Error } from '../schemas/errors.ts';
import { redactCpr, validateLine, type Reason } from '../schemas/validate.ts';
import { inTransaction, queryRows } from './database.ts';
import { ensureProjectionSchema, projectEvents } from './projector.ts';
import { sqlTimestamp } from '../schemas/primitives.ts';

/**
 * The projector as a Kafka consumer group (`sel104-projector`). Each fetched batch (one
 * partition's messages) is projected with the same SQL as the embedded path, and the partition's
 * next offset is stored in `checkpoints` in the same DuckDB transaction as the rows. On every
 * partition assignment the consumer seeks to the stored offsets, so DuckDB, not Kafka, decides
 * where projection resumes; the offsets are also committed to Kafka afterwards, so lag shows in
 * Kafka's own tooling. An eventId projected before (a producer retry, a re-import) is dropped.
 *
 * Rejected lines arrive on the dead-letter topic and go to the dead-letter store (in the log
 * file). That insert skips lines already stored, so it can be repeated safely before the
 * partition's offset is committed: a crash in between stores nothing twice.
 */

const DDL = [
  `CREATE TABLE IF NOT EXISTS kafka_event_ids (event_id VARCHAR NOT NULL)`,
  // the projection's own id, for its consumer group (see KafkaSettings.group)
  `CREATE TABLE IF NOT EXISTS kafka_projection (id VARCHAR NOT NULL)`,
];

type Key = `${string}/${number}`;
const keyOf = (topic: string, partition: number): Key => `${topic}/${partition}`;

/** Messages gathered before one DuckDB transaction, and the pause in fetches that flushes fewer. */
const FLUSH_MESSAGES = 25_000;
const FLUSH_IDLE_MS = 100;

export interface KafkaBatchInfo {
  /** The partitions the transaction covered, as topic[partition]. */
  partitions: string[];
  messages: number;
  projected: number;
  duplicates: number;
  deadLetters: number;
}

export interface KafkaProjectorOptions {
  /** Stop once every partition has reached the end offset it had at start. */
  once?: boolean;
  onBatch?: (info: KafkaBatchInfo) => void;
  /** Messages gathered before one DuckDB transaction (default FLUSH_MESSAGES). */
  batchSize?: number;
  /** Called when the consumer has joined its group and been assigned partitions. */
  onJoined?: () => void;
}

export interface KafkaPositions {
  available: boolean;
  /** Sum over the event topic's partitions of the end offsets (last known when unavailable). */
  logPosition: number;
  /** Sum of the stored (projected) offsets. */
  projectionPosition: number;
  lag: number;
}

export class KafkaProjector {
  private readonly stored = new Map<Key, number>();
  private readonly low = new Map<Key, number>();
  private ends: Map<Key, number> | undefined;
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private stopping: Promise<void> | undefined;
  private finished!: () => void;
  private failed!: (err: unknown) => void;
  /** Settles when the projector stops: by stop(), by --once having caught up, or by a failure. */
  readonly done: Promise<void>;
  private lastPositions: KafkaPositions = { available: false, logPosition: 0, projectionPosition: 0, lag: 0 };
  totals = { projected: 0, duplicates: 0, deadLetters: 0 };

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly settings: KafkaSettings,
    private readonly opts: KafkaProjectorOptions = {},
    private readonly kafka: Kafka = kafkaClient(settings, 'sel104-projector'),
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
    });
    this.done.catch(() => undefined);
  }

  private get topics(): string[] {
    return [this.settings.topic, this.settings.dlqTopic];
  }

  /** Connects, checks the projection belongs to this topic, joins the group and starts consuming. */
  async start(): Promise<void> {
    await ensureProjectionSchema(this.conn);
    for (const ddl of DDL) await this.conn.run(ddl);
    await ensureDeadLetterStore(this.conn);
    this.admin = this.kafka.admin();
    await withinDeadline(this.settings, 10_000, this.admin.connect());
    const { clusterId } = await withinDeadline(this.settings, 10_000, this.admin.describeCluster());
    await this.loadCheckpoints(clusterId);
    for (const topic of this.topics) await this.readWatermarks(topic);
    if (this.opts.once) this.ends = await this.endOffsets();

    const consumer = (this.consumer = this.kafka.consumer({
      groupId: await this.groupId(),
      allowAutoTopicCreation: true,
      maxWaitTimeInMs: 200,
      maxBytesPerPartition: this.settings.fetchBytesPerPartition,
      maxBytes: 32 << 20,
      // A projector that died is noticed within 10 s, so its successor is not kept waiting long
      // (a batch takes well under a second; heartbeats go out after each one and every second).
      sessionTimeout: 10_000,
      rebalanceTimeout: 15_000,
      heartbeatInterval: 1_000,
    }));
    // DuckDB decides where each assigned partition resumes: its stored offset, else the beginning.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // Whatever was fetched but not yet stored is fetched again from the stored offsets.
      this.pending = new Map();
      this.pendingCount = 0;
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) consumer.seek({ topic, partition, offset: String(this.next(topic, partition)) });
      }
      this.opts.onJoined?.();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.failed(unavailable(this.settings, payload.error));
    });
    await withinDeadline(this.settings, 10_000, consumer.connect());
    await withinDeadline(this.settings, 10_000, consumer.subscribe({ topics: this.topics, fromBeginning: true }));
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (this.opts.once) {
      const timer = setInterval(() => {
        if (this.caughtUp()) {
          clearInterval(timer);
          void this.stop();
        }
      }, 100);
      this.done.finally(() => clearInterval(timer)).catch(() => undefined);
    }
  }

  /** The consumer group: as configured, or the default followed by this projection's id. */
  async groupId(): Promise<string> {
    if (!this.settings.groupPerProjection) return this.settings.group;
    await this.conn.run(`INSERT INTO kafka_projection SELECT substr(replace(CAST(uuid() AS VARCHAR), '-', ''), 1, 12) WHERE NOT EXISTS (SELECT 1 FROM kafka_projection)`);
    const rows = await queryRows<{ id: string }>(this.conn, `SELECT id FROM kafka_projection LIMIT 1`);
    return `${this.settings.group}-${rows[0]!.id}`;
  }

  private lock: Promise<unknown> = Promise.resolve();

  /** Runs `fn` between batches, with the projection's connection to itself (e.g. to publish a copy). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Stores what was fetched, then leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.consumer?.stop();
        await this.exclusive(() => this.flush()).catch(() => undefined);
        await this.consumer?.disconnect();
        await this.admin?.disconnect();
        this.finished();
      } catch (err) {
        this.failed(err);
      }
    })();
    return this.stopping;
  }

  private async loadCheckpoints(clusterId: string): Promise<void> {
    const rows = await queryRows<{ log: string; log_id: string; partition: number; position: bigint }>(
      this.conn,
      `SELECT log, log_id, partition, position FROM checkpoints`,
    );
    if (rows.some((r) => r.log === 'embedded')) {
      throw new Sel104Error('SEL104_ERR_LOG_MISMATCH', 'this projection was built from the embedded log; use another --db for Kafka, or "sel104 rebuild --log kafka"');
    }
    for (const r of rows) {
      const topic = r.log_id.slice(r.log_id.indexOf('/') + 1);
      if (!this.topics.includes(topic)) continue;
      if (!r.log_id.startsWith(`${clusterId}/`)) {
        throw new Sel104Error('SEL104_ERR_LOG_MISMATCH', `this projection was built from another Kafka cluster (${r.log_id}, this is ${clusterId}/${topic}); run "sel104 rebuild --log kafka"`);
      }
      this.stored.set(keyOf(topic, r.partition), Number(r.position));
    }
    this.clusterId = clusterId;
  }

  private clusterId = '';

  private async readWatermarks(topic: string): Promise<Map<Key, number>> {
    const offsets = await withinDeadline(this.settings, 10_000, this.admin!.fetchTopicOffsets(topic));
    const high = new Map<Key, number>();
    for (const o of offsets) {
      this.low.set(keyOf(topic, o.partition), Number(o.low));
      high.set(keyOf(topic, o.partition), Number(o.high));
    }
    return high;
  }

  private async endOffsets(): Promise<Map<Key, number>> {
    const ends = new Map<Key, number>();
    for (const topic of this.topics) for (const [k, v] of await this.readWatermarks(topic)) ends.set(k, v);
    return ends;
  }

  /** The next offset to project in a partition: the stored one, else the partition's beginning. */
  private next(topic: string, partition: number): number {
    const k = keyOf(topic, partition);
    return this.stored.get(k) ?? this.low.get(k) ?? 0;
  }

  private caughtUp(): boolean {
    if (!this.ends) return false;
    for (const [k, end] of this.ends) {
      const [topic, partition] = [k.slice(0, k.lastIndexOf('/')), Number(k.slice(k.lastIndexOf('/') + 1))];
      if (this.next(topic, partition) < end) return false;
    }
    return true;
  }

  /**
   * Fetched messages wait in memory until about FLUSH_MESSAGES have come (or the fetches pause
   * for FLUSH_IDLE_MS), then go to DuckDB in one transaction: the test broker and Kafka hand out
   * batches of a few hundred messages, and a transaction per batch would be mostly overhead.
   * Offsets are resolved on arrival, which only moves the fetch position; what counts is stored
   * with the rows, and Kafka's committed offsets follow each flush.
   */
  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const k = keyOf(topic, partition);
    // (while a flush commits, its entries are the ones to follow: the stored offsets move only
    // after the commit, and reading them meanwhile sought back and fetched it all again)
    const expected = this.pending.get(k)?.next ?? this.flushing.get(k)?.next ?? this.next(topic, partition);
    const first = Number(batch.firstOffset());
    if (first > expected) {
      // Kafka's committed offset ran ahead of DuckDB's (a rebuilt or new projection): go back,
      // unless retention has already removed those offsets.
      await this.readWatermarks(topic);
      if (expected >= (this.low.get(k) ?? 0)) {
        this.consumer!.seek({ topic, partition, offset: String(expected) });
        return;
      }
      process.stderr.write(`sel104: ${topic}[${partition}] offsets ${expected}–${first - 1} expired before they were projected\n`);
    }
    const fresh = batch.messages.filter((m) => Number(m.offset) >= expected);
    const entry = this.pending.get(k) ?? { topic, partition, messages: [], next: expected };
    entry.messages.push(...fresh);
    entry.next = Number(batch.lastOffset()) + 1;
    this.pending.set(k, entry);
    this.pendingCount += fresh.length;
    resolveOffset(batch.lastOffset());
    if (this.pendingCount >= (this.opts.batchSize ?? FLUSH_MESSAGES)) await this.exclusive(() => this.flush());
    else this.scheduleFlush();
    await heartbeat();
  }

  private pending = new Map<Key, { topic: string; partition: number; messages: Batch['messages']; next: number }>();
  /** The entries of the flush under way, until its offsets are stored. */
  private flushing = new Map<Key, { next: number }>();
  private pendingCount = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  private scheduleFlush(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.exclusive(() => this.flush()).catch((err: unknown) => this.failed(err));
    }, FLUSH_IDLE_MS);
  }

  /** What came since the last flush: dead letters, then events and every offset in one transaction. */
  private async flush(): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.pending.size === 0) return;
    const taken = [...this.pending.values()];
    this.flushing = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    try {
      await this.flushTaken(taken);
    } finally {
      this.flushing = new Map();
    }
  }

  private async flushTaken(taken: { topic: string; partition: number; messages: Batch['messages']; next: number }[]): Promise<void> {
    const eventsOf = taken.filter((e) => e.topic === this.settings.topic);
    let events = eventsOf.flatMap((e) => e.messages);
    const letters = taken.filter((e) => e.topic === this.settings.dlqTopic).flatMap((e) => e.messages);
    // Idempotent, so it may go first: after a crash before the commit below it stores nothing twice.
    let deadLetters = await this.storeDeadLetters(letters);
    const conn = this.conn;
    const project = async () => {
      await this.stageEvents(events);
      return inTransaction(conn, async () => {
        await projectEvents(conn, 'stage.kafka_events');
        const n = (await conn.run(`INSERT INTO kafka_event_ids SELECT event_id FROM stage.kafka_events`)).rowsChanged;
        for (const e of taken) await this.saveOffset(e.topic, e.partition, e.next);
        return n;
      });
    };
    let projected: number;
    try {
      projected = await project();
    } catch (err) {
      // Our producer validated every message; one that another wrote (or that fails the schema
      // of this version) goes to the dead-letter store with zod's reasons, and the rest is
      // projected: a message that cannot be projected must not stop every partition for good.
      const rejected = eventsOf.flatMap((e) => e.messages.flatMap((m) => {
        const text = m.value?.toString('utf8') ?? '';
        const verdict = validateLine(text);
        return verdict.ok ? [] : [{ source: `kafka ${e.topic}[${e.partition}]`, line: Number(m.offset), reasons: verdict.reasons, raw: redactCpr(text), m }];
      }));
      if (rejected.length === 0) {
        throw new Sel104Error(toSel104Error(err).code, `projecting ${eventsOf.map((e) => `${e.topic}[${e.partition}]`).join(', ')}: ${toSel104Error(err).message}`);
      }
      deadLetters += await this.storeRejected(rejected);
      const bad = new Set(rejected.map((r) => r.m));
      events = events.filter((m) => !bad.has(m));
      projected = await project();
    }
    for (const e of taken) this.stored.set(keyOf(e.topic, e.partition), e.next);
    await this.consumer?.commitOffsets(taken.map((e) => ({ topic: e.topic, partition: e.partition, offset: String(e.next) }))).catch(() => undefined);
    const info = { messages: events.length + letters.length, projected, duplicates: events.length - projected, deadLetters };
    this.totals.projected += info.projected;
    this.totals.duplicates += info.duplicates;
    this.totals.deadLetters += info.deadLetters;
    this.opts.onBatch?.({ ...info, partitions: taken.map((e) => `${e.topic}[${e.partition}]`) });
    if (this.opts.once && this.caughtUp()) void this.stop();
  }

  private async saveOffset(topic: string, partition: number, nextOffset: number): Promise<void> {
    await this.conn.run(`DELETE FROM checkpoints WHERE log = 'kafka' AND log_id = $1 AND partition = $2`, [`${this.clusterId}/${topic}`, partition]);
    await this.conn.run(`INSERT INTO checkpoints VALUES ('kafka', $1, $2, $3, now())`, [`${this.clusterId}/${topic}`, partition, nextOffset]);
  }

  /** Events into `stage.kafka_events`: envelope columns, first of each eventId, none projected before. */
  private async stageEvents(messages: Batch['messages']): Promise<void> {
    const conn = this.conn;
    await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS stage`);
    await conn.run(`CREATE OR REPLACE TABLE stage.kafka_batch (position BIGINT, value VARCHAR)`);
    const app = await conn.createAppender('kafka_batch', 'main', 'stage');
    for (const m of messages) {
      app.appendBigInt(BigInt(m.offset));
      app.appendVarchar(m.value?.toString('utf8') ?? '{}');
      app.endRow();
    }
    app.closeSync();
    // The producer validated every message: one that is not even a JSON object with an eventId
    // was written by someone else, and goes to the checks of flush() (its dead letter)
    const foreign = Number((await conn.runAndReadAll(
      `SELECT count(*) FROM stage.kafka_batch
       WHERE CASE WHEN json_valid(value) THEN json_type(value) <> 'OBJECT' OR (value->>'eventId') IS NULL ELSE true END`,
    )).getRowsJS()[0]![0]);
    if (foreign > 0) throw new Sel104Error('SEL104_ERR_INTERNAL', `${foreign} messages are not sel104 events (no JSON object with an eventId)`);
    await conn.run(`CREATE OR REPLACE TABLE stage.kafka_events AS
      SELECT * FROM (
        SELECT position, value->>'eventId' AS event_id, value->>'type' AS type, value->>'municipality' AS municipality,
               value->>'caseId' AS case_id, CAST(value->>'occurredOn' AS DATE) AS occurred_on,
               ${sqlTimestamp("value->>'recordedAt'")} AS recorded_at, value->'data' AS data
        FROM stage.kafka_batch WHERE json_valid(value)
        QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY position) = 1
      ) b WHERE event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM kafka_event_ids k WHERE k.event_id = b.event_id)`);
  }

  /** Event-topic messages that failed validation into the store, each (source, line, text) once. */
  private async storeRejected(rejected: readonly { source: string; line: number; reasons: Reason[]; raw: string }[]): Promise<number> {
    const conn = this.conn;
    const receivedAt = new Date().toISOString();
    await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS stage`);
    await conn.run(`CREATE OR REPLACE TABLE stage.kafka_rejected (source VARCHAR, line BIGINT, reasons VARCHAR, raw VARCHAR)`);
    const app = await conn.createAppender('kafka_rejected', 'main', 'stage');
    for (const r of rejected) {
      app.appendVarchar(r.source);
      app.appendBigInt(BigInt(r.line));
      app.appendVarchar(JSON.stringify(r.reasons));
      app.appendVarchar(r.raw);
      app.endRow();
    }
    app.closeSync();
    return (await conn.run(
      `INSERT INTO log.dead_letters (received_at, source, line, reasons, raw)
       SELECT CAST($1 AS TIMESTAMPTZ), r.source, r.line, r.reasons, r.raw FROM stage.kafka_rejected r
       ANTI JOIN log.dead_letters d ON d.source = r.source AND d.line = r.line AND d.raw = r.raw
       ORDER BY r.source, r.line`,
      [receivedAt],
    )).rowsChanged;
  }

  /** Dead letters into the store, each (source, line, text) once. */
  private async storeDeadLetters(messages: Batch['messages']): Promise<number> {
    if (messages.length === 0) return 0;
    const conn = this.conn;
    const header = (m: Batch['messages'][number], name: string): string => m.headers?.[name]?.toString() ?? '';
    await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS stage`);
    await conn.run(`CREATE OR REPLACE TABLE stage.kafka_dlq (received_at VARCHAR, source VARCHAR, line BIGINT, reasons VARCHAR, raw VARCHAR, input_key VARCHAR)`);
    const app = await conn.createAppender('kafka_dlq', 'main', 'stage');
    for (const m of messages) {
      app.appendVarchar(header(m, 'sel104-received-at') || new Date(Number(m.timestamp)).toISOString());
      app.appendVarchar(header(m, 'sel104-input') || 'kafka');
      app.appendBigInt(BigInt(Number(header(m, 'sel104-line')) || 0));
      app.appendVarchar(header(m, 'sel104-reasons') || '[]');
      app.appendVarchar(m.value?.toString('utf8') ?? '');
      app.appendVarchar(header(m, 'sel104-input-key'));
      app.endRow();
    }
    app.closeSync();
    // each (input, line, text) once: by its input key, or by its source where a producer sent none
    return (
      await conn.run(
        `INSERT INTO log.dead_letters (received_at, source, line, reasons, raw, input_key)
         SELECT CAST(r.received_at AS TIMESTAMPTZ), r.source, r.line, r.reasons, r.raw, nullif(r.input_key, '')
         FROM (SELECT * FROM stage.kafka_dlq QUALIFY row_number() OVER (PARTITION BY coalesce(nullif(input_key, ''), source), line, raw) = 1) r
         ANTI JOIN log.dead_letters d ON d.line = r.line AND d.raw = r.raw
           AND (CASE WHEN nullif(r.input_key, '') IS NULL THEN d.input_key IS NULL AND d.source = r.source ELSE d.input_key = r.input_key END)
         ORDER BY r.line`,
      )
    ).rowsChanged;
  }

  /** Log end, projected offsets and lag for /healthz; the last known figures when Kafka is away. */
  async positions(): Promise<KafkaPositions> {
    // (read after the watermarks, as the lag is: the projector may store offsets meanwhile, and
    // /healthz then said lag 0 with the projection still at 0)
    const projected = () => [...this.stored].filter(([k]) => k.startsWith(`${this.settings.topic}/`)).reduce((n, [, v]) => n + v, 0);
    try {
      const high = await withinDeadline(this.settings, 2_000, this.readWatermarks(this.settings.topic));
      const projectionPosition = projected();
      const logPosition = [...high.values()].reduce((n, v) => n + v, 0);
      const lag = [...high].reduce((n, [k, end]) => n + Math.max(0, end - (this.stored.get(k) ?? this.low.get(k) ?? 0)), 0);
      this.lastPositions = { available: true, logPosition, projectionPosition, lag };
    } catch {
      this.lastPositions = { ...this.lastPositions, available: false, projectionPosition: projected() };
    }
    return this.lastPositions;
  }
}
