import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase, resolvePaths } from '../consumers/database.ts';
import { KafkaProjector } from '../consumers/kafkaProjector.ts';
import { kafkaSettings } from '../producers/kafka.ts';
import { KafkaIngest } from '../producers/kafkaImporter.ts';
import { ndjsonChunks } from '../producers/ndjson.ts';
import { simulate } from '../producers/simulator/index.ts';
import { startMockKafka } from '../test/kafkaBroker.ts';

/**
 * The Kafka path on a 3-broker mock cluster (librdkafka's, through kcat): produce, then project,
 * beside kcat consuming the same topic in the same run as the baseline. One simulated year of
 * Lejre and Roskilde (≈43,000 events, ≈11 MB) stays inside the mock's ≈5 MB per partition.
 * Projection is timed from the consumer group's join to caught up; the join itself (about 3 s,
 * the broker's initial rebalance delay) is reported apart, since kcat's baseline joins no group.
 */
export interface KafkaBench {
  events: number;
  producePerSec: number;
  projectPerSec: number;
  kcatConsumePerSec: number;
  ratio: number;
  groupJoinSeconds: number;
  runs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** kcat reading the whole topic from the beginning and exiting at its end (-e): messages per second. */
function kcatConsume(brokers: string[], topic: string): Promise<{ messages: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('kcat', ['-b', brokers.join(','), '-C', '-e', '-q', '-o', 'beginning', '-t', topic], { stdio: ['ignore', 'pipe', 'inherit'] });
    let messages = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) messages++;
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve({ messages, seconds: seconds(start) }) : reject(new Error(`kcat exited ${code}`))));
  });
}

export async function benchKafka(outDir: string, { runs = 3 } = {}): Promise<KafkaBench> {
  const ndjson = Buffer.concat([...ndjsonChunks(simulate({ municipalities: ['350', '265'], from: '2023-01-01', to: '2023-12-31', scale: 1, seed: 1 }))]);
  const broker = await startMockKafka({ brokers: 3 });
  try {
    const settings = kafkaSettings({ SEL104_KAFKA_BROKERS: broker.brokers.join(','), SEL104_KAFKA_TOPIC: 'bench.events' });
    const ingest = await KafkaIngest.open(settings);
    const t0 = process.hrtime.bigint();
    const produced = await ingest.ingest(Readable.from([ndjson]), { source: 'bench' });
    const produceSeconds = seconds(t0);
    await ingest.close();
    process.stderr.write(`  produced ${produced.accepted} events in ${produceSeconds.toFixed(2)} s\n`);

    const kcat: number[] = [];
    const project: number[] = [];
    const joins: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const k = await kcatConsume(broker.brokers, settings.topic);
      if (k.messages !== produced.accepted) throw new Error(`kcat read ${k.messages} of ${produced.accepted} messages: the mock's retention dropped some`);
      kcat.push(k.messages / k.seconds);

      const dir = join(outDir, `kafka-run${run}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const db = await openDatabase(resolvePaths({ db: join(dir, 'sel104.duckdb') }));
      try {
        const started = process.hrtime.bigint();
        let joined = started;
        const projector = new KafkaProjector(db.conn, { ...settings, group: `bench-${run}` }, { once: true, onJoined: () => (joined = process.hrtime.bigint()) });
        await projector.start();
        await projector.done;
        if (projector.totals.projected !== produced.accepted) throw new Error(`projected ${projector.totals.projected} of ${produced.accepted}`);
        const projectSeconds = seconds(joined);
        joins.push(Number(joined - started) / 1e9);
        project.push(produced.accepted / projectSeconds);
        process.stderr.write(`  run ${run}: kcat ${Math.round(kcat.at(-1)!)} msg/s, projector ${Math.round(project.at(-1)!)} events/s after a ${joins.at(-1)!.toFixed(1)} s group join\n`);
      } finally {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const projectPerSec = median(project);
    const kcatConsumePerSec = median(kcat);
    return {
      events: produced.accepted,
      producePerSec: Math.round(produced.accepted / produceSeconds),
      projectPerSec: Math.round(projectPerSec),
      kcatConsumePerSec: Math.round(kcatConsumePerSec),
      ratio: Number((projectPerSec / kcatConsumePerSec).toFixed(3)),
      groupJoinSeconds: Number(median(joins).toFixed(2)),
      runs,
    };
  } finally {
    await broker.stop();
  }
}
