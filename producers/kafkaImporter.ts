import type { Readable } from 'node:stream';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { queryRows } from '../consumers/database.ts';
import { checkedTable, checkStaged, prepareStaging, stageLines, type RejectedLine } from './bulkValidation.ts';
import type { ImportCounts, ImportResult } from './importer.ts';
import { connectProducer, kafkaClient, withinDeadline, type KafkaSettings } from './kafka.ts';
import { numberedLineBatches } from './lines.ts';
import { InputKeys } from './inputKey.ts';

/**
 * `import --log kafka` and `POST /api/events` with Kafka: the same bulk validation as the embedded
 * path (in an in-memory DuckDB), then valid events to the event topic and rejected lines to the
 * dead-letter topic. Invalid input never reaches the event topic. A call returns only after Kafka
 * acknowledged every message (acks -1), so what it reports as accepted is durable.
 *
 * Duplicates are counted within the input only: the producer keeps no state. An eventId that was
 * produced before (a re-import, a producer retry) reaches the topic again and the projector drops
 * it (consumers/kafkaProjector.ts), so it changes nothing.
 */

// Kafka's default message.max.bytes (1 MB) applies per record batch, one per partition per request.
const SEND_MAX_MESSAGES = 2_000;
const SEND_MAX_BYTES = 512 * 1024;
/** A send that Kafka has not acknowledged within this time fails the import (HTTP 503). */
const SEND_DEADLINE_MS = 10_000;

interface ValidRow {
  event_id: string;
  type: string;
  schema_version: string;
  municipality: string;
  case_id: string | null;
  occurred_on: string;
  recorded_at: string | null;
  source: string | null;
  data: string;
  offer_id: string | null;
}

const J = JSON.stringify;

/**
 * The message key keeps one case's events (or one offer's) in one partition, in order:
 * `${municipality}:${caseId}` for case events, `${municipality}:offer:${offerId}` for offer events.
 */
export const messageKey = (r: Pick<ValidRow, 'municipality' | 'case_id' | 'offer_id'>): string =>
  r.case_id !== null ? `${r.municipality}:${r.case_id}` : `${r.municipality}:offer:${r.offer_id ?? ''}`;

/** The event as published: the validated envelope, recordedAt filled in where the input had none. */
function eventMessage(r: ValidRow, ingestedAt: string, source: string): Message {
  const value =
    `{"eventId":${J(r.event_id)},"type":${J(r.type)},"schemaVersion":${Number(r.schema_version)},"municipality":${J(r.municipality)}` +
    (r.case_id !== null ? `,"caseId":${J(r.case_id)}` : '') +
    `,"occurredOn":${J(r.occurred_on)},"recordedAt":${J(r.recorded_at ?? ingestedAt)}` +
    (r.source !== null ? `,"source":${J(r.source)}` : '') +
    `,"data":${r.data}}`;
  return { key: messageKey(r), value, headers: { 'sel104-ingested-at': ingestedAt, 'sel104-input': source } };
}

/** A rejected line as published on the dead-letter topic: the raw text, the reasons in headers. */
function deadLetterMessage(r: RejectedLine, receivedAt: string, source: string, inputKey: string): Message {
  return {
    key: `${source}:${r.line}`,
    value: r.raw,
    headers: {
      'sel104-reasons': J(r.reasons), 'sel104-input': source, 'sel104-line': String(r.line), 'sel104-received-at': receivedAt,
      // which input it is (producers/inputKey.ts): the store keeps each (input key, line, text) once
      'sel104-input-key': inputKey,
    },
  };
}

export interface KafkaImportOptions {
  source: string;
  /** The whole input, when it is at hand (a POST's body): it is the input's identity (InputKeys). */
  whole?: Buffer;
  batchSize?: number;
  onBytes?: (bytes: number) => void;
  onBatch?: (counts: ImportCounts) => void;
  now?: () => Date;
  maxRejectionsReported?: number;
}

export class KafkaIngest {
  private constructor(
    readonly settings: KafkaSettings,
    private readonly producer: Producer,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly remember: boolean,
  ) {}

  /**
   * Connects to Kafka (failing within about ten seconds, naming the brokers) and prepares validation.
   * With `remember` (the server's producer), an event it produced before is a duplicate in every
   * later call too, counted so and not sent again: a body POSTed twice said "accepted" twice.
   */
  static async open(settings: KafkaSettings, { remember = false }: { remember?: boolean } = {}): Promise<KafkaIngest> {
    const producer = await connectProducer(kafkaClient(settings, 'sel104-ingest'), settings);
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    await prepareStaging(conn, 0);
    return new KafkaIngest(settings, producer, instance, conn, remember);
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private async send(topic: string, messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; ) {
      let end = start;
      let bytes = 0;
      while (end < messages.length && end - start < SEND_MAX_MESSAGES && bytes < SEND_MAX_BYTES) bytes += String(messages[end++]!.value).length;
      const chunk = messages.slice(start, end);
      await withinDeadline(this.settings, SEND_DEADLINE_MS, this.producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: chunk }));
      start = end;
    }
  }

  /** Validates and produces one NDJSON stream, batch by batch; one call at a time. */
  async ingest(input: Readable, opts: KafkaImportOptions): Promise<ImportResult> {
    const { source, batchSize = 50_000, onBytes, onBatch, now = () => new Date(), maxRejectionsReported = 1000 } = opts;
    const counts: ImportCounts = { received: 0, accepted: 0, duplicates: 0, rejected: 0 };
    const rejections: ImportResult['rejections'] = [];
    // EventIds produced by this call (or, remembering, by this producer), to count duplicates
    // across its batches and calls, and not send them again (in DuckDB: compact).
    await this.conn.run(`CREATE ${this.remember ? 'TABLE IF NOT EXISTS' : 'OR REPLACE TABLE'} stage.produced (event_id VARCHAR)`);
    const inputKeys = new InputKeys(opts.whole);
    try {
      for await (const batch of numberedLineBatches(input, batchSize, onBytes)) {
        inputKeys.add(batch);
        const ingestedAt = now().toISOString();
        const verdicts = await checkStaged(this.conn, await stageLines(this.conn, 0, batch));
        const rows = await queryRows<ValidRow>(
          this.conn,
          `SELECT event_id, type, schema_version, municipality, case_id, occurred_on, recorded_at, source, data,
                  CASE WHEN case_id IS NULL THEN json_extract_string(data, '$.offerId') END AS offer_id
           FROM (SELECT * FROM ${checkedTable(0)} WHERE ok QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY i) = 1) c
           ANTI JOIN stage.produced p ON p.event_id = c.event_id
           ORDER BY i`,
        );
        const valid = verdicts.valid;
        await this.send(this.settings.dlqTopic, verdicts.rejected.map((r) => deadLetterMessage(r, ingestedAt, source, inputKeys.keyOf(r.line))));
        await this.send(this.settings.topic, rows.map((r) => eventMessage(r, ingestedAt, source)));
        await this.conn.run(`INSERT INTO stage.produced SELECT DISTINCT c.event_id FROM ${checkedTable(0)} c ANTI JOIN stage.produced p ON p.event_id = c.event_id WHERE c.ok`);
        await prepareStaging(this.conn, 0);
        counts.received += batch.texts.length;
        counts.accepted += rows.length;
        counts.duplicates += valid - rows.length;
        counts.rejected += verdicts.rejected.length;
        for (const r of verdicts.rejected) if (rejections.length < maxRejectionsReported) rejections.push({ line: r.line, reasons: r.reasons });
        onBatch?.(counts);
      }
    } finally {
      await prepareStaging(this.conn, 0);
      if (!this.remember) await this.conn.run('DROP TABLE IF EXISTS stage.produced');
    }
    return { ...counts, rejections, logPosition: -1, projectedPosition: -1 };
  }
}
