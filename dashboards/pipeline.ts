import { Readable } from 'node:stream';
import type { Database } from '../consumers/database.ts';
import type { KafkaProjector } from '../consumers/kafkaProjector.ts';
import { importLines, type ImportResult } from '../producers/importer.ts';
import { withinDeadline, type KafkaSettings } from '../producers/kafka.ts';
import { KafkaIngest } from '../producers/kafkaImporter.ts';
import { positions as embeddedPositions, type Positions } from './overview.ts';

/**
 * What the server needs from the log behind it: taking events in, and where the log and the
 * projection stand. The embedded log and Kafka each provide one.
 */
export interface PipelineStatus extends Positions {
  log: 'embedded' | 'kafka';
  /** False while the log cannot be reached; the positions are then the last known ones. */
  available: boolean;
}

export interface Pipeline {
  readonly log: 'embedded' | 'kafka';
  /** Validates NDJSON and appends it; resolves once the events are durable in the log. */
  ingest(body: Buffer, source: string): Promise<ImportResult>;
  status(db: Database): Promise<PipelineStatus>;
  close(): Promise<void>;
}

/** The embedded log: events are appended and projected before ingest resolves. */
export const embeddedPipeline = (): Pipeline => ({
  log: 'embedded',
  ingest: () => Promise.reject(new Error('embedded ingest runs on the server database')),
  status: async (db) => ({ log: 'embedded', available: true, ...(await embeddedPositions(db.conn)) }),
  close: async () => undefined,
});

export const ingestEmbedded = (db: Database, body: Buffer, source: string): Promise<ImportResult> =>
  importLines(db, Readable.from([body]), { source });

/** A POST that Kafka has not acknowledged within this time is answered 503. */
const INGEST_DEADLINE_MS = 15_000;

/**
 * Kafka: ingest produces (and answers once Kafka acknowledged); projection is the consumer
 * group's work, in this process (`projector`) or in a separate `sel104 project`.
 */
export function kafkaPipeline(settings: KafkaSettings, projector?: KafkaProjector): Pipeline {
  let ingest: Promise<KafkaIngest> | undefined;
  let last: PipelineStatus = { log: 'kafka', available: false, logPosition: 0, projectionPosition: 0, lag: 0 };
  return {
    log: 'kafka',
    async ingest(body, source) {
      ingest ??= KafkaIngest.open(settings);
      let producer: KafkaIngest;
      try {
        producer = await ingest;
      } catch (err) {
        ingest = undefined; // the next request tries again
        throw err;
      }
      return withinDeadline(settings, INGEST_DEADLINE_MS, producer.ingest(Readable.from([body]), { source }));
    },
    async status(db) {
      if (projector) {
        const p = await projector.positions();
        return (last = { log: 'kafka', ...p });
      }
      // A server without its own projector reports what the published projection holds.
      const p = await embeddedPositions(db.conn);
      return (last = { ...last, projectionPosition: p.projectionPosition });
    },
    async close() {
      await (await ingest?.catch(() => undefined))?.close();
    },
  };
}
