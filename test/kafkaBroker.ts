import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A real Kafka-protocol broker for tests: librdkafka's mock cluster, started through Debian's
 * kcat (see ../shared/kafka-test-broker.md). Each start is a fresh, empty, in-memory cluster on
 * new loopback ports; stopping it (killing kcat) loses everything, which is what a "broker gone"
 * test needs. It auto-creates topics with 4 partitions and keeps about 5 MB per partition.
 * In CI (CI=true) a missing kcat fails the run; elsewhere the Kafka tests are skipped with the reason.
 */
export interface MockKafka {
  brokers: string[];
  stop(): Promise<void>;
}

export function kcatOrSkip(): { available: boolean } {
  if (spawnSync('kcat', ['-V'], { encoding: 'utf8' }).status === 0) return { available: true };
  const reason = 'kcat not found (apt-get install -y kcat)';
  if (process.env.CI === 'true') throw new Error(`Kafka tests need kcat in CI: ${reason}`);
  process.stderr.write(`skipping Kafka tests: ${reason}\n`);
  return { available: false };
}

export function startMockKafka({ brokers = 3 } = {}): Promise<MockKafka> {
  const child: ChildProcess = spawn('kcat', ['-b', 'localhost:1', '-X', `test.mock.num.brokers=${brokers}`, '-C', '-t', 'sel104.keepalive', '-o', 'end', '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('kcat did not report the mock cluster within 10 s'));
    }, 10_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // First line: "… Mock cluster enabled: … replaced with 127.0.0.1:45919,127.0.0.1:43243,…"
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const m = /replaced with (\S+)/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({ brokers: m[1]!.split(','), stop });
    });
  });
}
