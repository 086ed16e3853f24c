import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Sel104Error } from '../schemas/errors.ts';

/**
 * Kafka, the production log: where it is, what the topics are called, and how long to wait for it.
 * Everything comes from the environment, so a deployment (see docker-compose.yml) sets it once.
 */
export interface KafkaSettings {
  brokers: string[];
  topic: string;
  dlqTopic: string;
  /** Partitions when sel104 creates the topic itself (against real Kafka; the test broker auto-creates 4). */
  partitions: number;
  /**
   * The projector's consumer group: SEL104_KAFKA_GROUP as given, else sel104-projector followed by
   * the projection's own id (`groupOfProjection`), so that projectors of two databases never share
   * one group and split the partitions between them, each database silently getting a part.
   */
  group: string;
  /** The group was not given: the projection's id is appended to it. */
  groupPerProjection?: boolean;
  /** Largest fetch per partition and request (bytes): the most one projector transaction takes. */
  fetchBytesPerPartition: number;
}

export const DEFAULT_TOPIC = 'sel104.events';
export const PROJECTOR_GROUP = 'sel104-projector';

export function kafkaSettings(env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  const list = (env.SEL104_KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new Sel104Error('SEL104_ERR_USAGE', '--log kafka needs SEL104_KAFKA_BROKERS=host:port[,host:port…]');
  const bad = list.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
  if (bad) throw new Sel104Error('SEL104_ERR_USAGE', `SEL104_KAFKA_BROKERS: "${bad}" is not host:port`);
  const topic = env.SEL104_KAFKA_TOPIC || DEFAULT_TOPIC;
  const partitions = Number(env.SEL104_KAFKA_PARTITIONS ?? 6);
  if (!Number.isInteger(partitions) || partitions < 1) throw new Sel104Error('SEL104_ERR_USAGE', 'SEL104_KAFKA_PARTITIONS: must be a whole number > 0');
  const fetchBytesPerPartition = Number(env.SEL104_KAFKA_FETCH_BYTES ?? 4 << 20);
  if (!Number.isInteger(fetchBytesPerPartition) || fetchBytesPerPartition < 1024) throw new Sel104Error('SEL104_ERR_USAGE', 'SEL104_KAFKA_FETCH_BYTES: must be a whole number ≥ 1024');
  return { brokers: list, topic, dlqTopic: env.SEL104_KAFKA_DLQ_TOPIC || `${topic}.dlq`, partitions, group: env.SEL104_KAFKA_GROUP || PROJECTOR_GROUP, groupPerProjection: !env.SEL104_KAFKA_GROUP, fetchBytesPerPartition };
}

/**
 * A client that gives up quickly: an unreachable broker must surface as one clear error within
 * about ten seconds, not as kafkajs retrying for minutes.
 */
export function kafkaClient({ brokers }: KafkaSettings, clientId = 'sel104'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: process.env.SEL104_DEBUG ? logLevel.INFO : logLevel.NOTHING,
  });
}

export const unavailable = ({ brokers }: Pick<KafkaSettings, 'brokers'>, cause?: unknown): Sel104Error =>
  new Sel104Error(
    'SEL104_ERR_LOG_UNAVAILABLE',
    `Kafka is unavailable at ${brokers.join(',')}${cause instanceof Error ? ` (${cause.message.split('\n')[0]})` : ''}`,
  );

/** Rejects with LOG_UNAVAILABLE if `work` has not settled within `ms`. */
export async function withinDeadline<T>(settings: Pick<KafkaSettings, 'brokers'>, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable(settings, new Error(`no answer within ${Math.round(ms / 1000)} s`))), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } catch (err) {
    throw err instanceof Sel104Error ? err : unavailable(settings, err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the event topic and its dead-letter topic if missing, with `retention.ms=-1`: an event
 * log must not expire. Best effort: brokers that do not support creation (the test broker
 * auto-creates topics instead) are tolerated, and a failure here is left to the first produce.
 */
export async function ensureTopics(admin: Admin, settings: KafkaSettings): Promise<'created' | 'existing' | 'not supported'> {
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [settings.topic, settings.dlqTopic].filter((t) => !existing.has(t));
    if (missing.length === 0) return 'existing';
    await admin.createTopics({
      waitForLeaders: true,
      timeout: 5_000,
      topics: missing.map((topic) => ({ topic, numPartitions: settings.partitions, configEntries: [{ name: 'retention.ms', value: '-1' }] })),
    });
    return 'created';
  } catch {
    return 'not supported';
  }
}

/** Connects a producer that waits for every in-sync replica (acks -1 is given per send). */
export async function connectProducer(kafka: Kafka, settings: KafkaSettings): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await withinDeadline(settings, 8_000, producer.connect());
  return producer;
}
