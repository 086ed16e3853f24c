/**
 * `npm run bench [-- --scale N]`: simulate at scale N (default 20), then in one run measure
 * (a) `sel104 import` of that file into a fresh database, end to end, and
 * (b) DuckDB's own read_ndjson of the same file into a table: the baseline on this machine now.
 * Figures are ratios against the baseline because machines here are noisy. At scale 20 the
 * dashboard benchmark (bench/dashboard.ts) follows; `--dashboard-only` runs just that.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { benchDashboard, formatDashboard } from './dashboard.ts';
import { benchKafka } from './kafka.ts';
import { benchReports } from './reports.ts';

const sizeOfFiles = (f: string) => [f, `${f}.wal`].reduce((n, x) => n + (existsSync(x) ? statSync(x).size : 0), 0);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sel104.js');
const OUT = join(ROOT, 'bench', 'out');
const RESULTS = join(ROOT, 'bench', 'results.json');

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    // Time the reports only, on the database the last import at this scale left in bench/out.
    'reports-only': { type: 'boolean', default: false },
    // The dashboard benchmark only (issue 4), on a copy of the scale-20 database the last full run left.
    'dashboard-only': { type: 'boolean', default: false },
    // The Kafka path alone (a mock cluster through kcat; independent of --scale).
    'kafka-only': { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
const RUNS = 20;
const readResults = (): Record<string, unknown> =>
  existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
if (!(scale > 0)) throw new Error('--scale must be a positive number');

interface Run {
  seconds: number;
  peakRssMB: number;
  stdout: string;
}

/** Runs the CLI as a child, timing it and sampling its peak resident set (VmHWM) from /proc. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peakKb = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process has just exited
      }
    };
    const timer = setInterval(sample, 25);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) reject(new Error(`sel104 ${args.join(' ')} exited ${code}`));
      else resolve({ seconds, peakRssMB: Math.round(peakKb / 1024), stdout });
    });
  });
}

/**
 * DuckDB's read_ndjson of the same file into a table, two ways: with the envelope's columns
 * declared and `data` kept as JSON (one pass: the strict baseline the ratio is taken against),
 * and with every column auto-detected, which for this file needs the whole file sampled
 * (sample_size = -1: the event types have different data fields, and the default sample fails).
 */
async function baselineReadNdjson(file: string, dbFile: string, mode: 'declared' | 'autodetect'): Promise<{ lines: number; seconds: number }> {
  rmSync(dbFile, { force: true });
  rmSync(`${dbFile}.wal`, { force: true });
  const instance = await DuckDBInstance.create(dbFile);
  const conn = await instance.connect();
  const options =
    mode === 'declared'
      ? `columns = {eventId: 'VARCHAR', type: 'VARCHAR', schemaVersion: 'INTEGER', municipality: 'VARCHAR', caseId: 'VARCHAR',
                    occurredOn: 'DATE', recordedAt: 'TIMESTAMPTZ', source: 'VARCHAR', data: 'JSON'}`
      : 'sample_size = -1';
  const start = process.hrtime.bigint();
  await conn.run(`CREATE TABLE events AS SELECT * FROM read_ndjson('${file}', ${options})`);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const lines = Number((await conn.runAndReadAll('SELECT count(*) FROM events')).getRowsJS()[0]![0]);
  conn.closeSync();
  instance.closeSync();
  rmSync(dbFile, { force: true });
  return { lines, seconds };
}

const dbDir = join(OUT, `db-scale${scale}`);
if (values['dashboard-only']) await benchDashboardPhase();
else if (values['kafka-only']) await benchKafkaPhase();
else {
  if (!values['reports-only']) await benchImport();

  process.stderr.write(`reports: ${RUNS} runs each on the scale-${scale} database …\n`);
  const reports = await benchReports(join(dbDir, 'sel104.duckdb'), { runs: RUNS });
  const reportsKey = scale === 20 ? 'reports' : `reportsScale${scale}`;
  writeFileSync(RESULTS, JSON.stringify({ ...readResults(), [reportsKey]: reports, measuredAt: new Date().toISOString() }, null, 2) + '\n');
  const wr = Math.max(...Object.keys(reports).map((k) => k.length));
  process.stdout.write(
    `\nreports at scale ${scale} (${RUNS} runs each; --on 2025-06-30, every municipality, the whole period)\n` +
      Object.entries(reports).map(([k, v]) => `${k.padEnd(wr)}  p50 ${v.p50Ms.toFixed(1).padStart(7)} ms  p95 ${v.p95Ms.toFixed(1).padStart(7)} ms`).join('\n') +
      '\nwritten to bench/results.json\n',
  );
  if (scale === 20 && !values['reports-only']) await benchDashboardPhase();
  if (!values['reports-only']) await benchKafkaPhase();
}

/** Produce and project through a 3-broker mock cluster, beside kcat consuming the same topic. */
async function benchKafkaPhase(): Promise<void> {
  process.stderr.write('kafka: 3-broker mock cluster …\n');
  const kafka = await benchKafka(OUT);
  writeFileSync(RESULTS, JSON.stringify({ ...readResults(), kafka, measuredAt: new Date().toISOString() }, null, 2) + '\n');
  process.stdout.write(
    `\nkafka (${kafka.events} events, median of ${kafka.runs} runs): produce ${kafka.producePerSec}/s, project ${kafka.projectPerSec}/s ` +
      `after a ${kafka.groupJoinSeconds} s group join, kcat consume ${kafka.kcatConsumePerSec}/s, ratio ${kafka.ratio} (goal ≥ 0.5)\nwritten to bench/results.json\n`,
  );
}

/** The dashboard benchmark on a copy of the scale-20 database (the POSTs add events to it). */
async function benchDashboardPhase(): Promise<void> {
  const source = join(OUT, 'db-scale20');
  if (!existsSync(join(source, 'sel104.duckdb')) || !existsSync(join(source, 'sel104.log.duckdb'))) {
    throw new Error(`no scale-20 database in ${source}: run \`npm run bench\` first`);
  }
  const dashboard = await benchDashboard({ source, work: join(OUT, 'db-dashboard'), scale: 20 });
  const previous = readResults();
  writeFileSync(RESULTS, JSON.stringify({ ...previous, dashboard, measuredAt: new Date().toISOString() }, null, 2) + '\n');
  process.stdout.write(formatDashboard(dashboard, (previous.reports ?? {}) as Parameters<typeof formatDashboard>[1]));
}

/** Simulates (once per scale and seed), measures the baselines and the import into a fresh database. */
async function benchImport(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const events = join(OUT, `events-scale${scale}-seed${seed}.ndjson`);
  if (!existsSync(events)) {
    process.stderr.write(`simulating scale ${scale} → ${events}\n`);
    const sim = await runCli(['simulate', '--scale', String(scale), '--seed', String(seed), '--out', events]);
    process.stderr.write(`  ${sim.seconds.toFixed(1)} s\n`);
  } else process.stderr.write(`reusing ${events} (deterministic for scale and seed)\n`);
  const bytes = statSync(events).size;

  rmSync(dbDir, { recursive: true, force: true });
  mkdirSync(dbDir, { recursive: true });

  process.stderr.write('baseline: DuckDB read_ndjson, declared columns …\n');
  const base = await baselineReadNdjson(events, join(dbDir, 'baseline.duckdb'), 'declared');
  process.stderr.write('baseline: DuckDB read_ndjson, auto-detected columns …\n');
  const auto = await baselineReadNdjson(events, join(dbDir, 'baseline.duckdb'), 'autodetect');
  process.stderr.write('sel104 import …\n');
  const imp = await runCli(['import', events, '--json'], { SEL104_DB: join(dbDir, 'sel104.duckdb') });
  const counts = JSON.parse(imp.stdout) as { received: number; accepted: number; duplicates: number; rejected: number };
  if (counts.rejected > 0) throw new Error(`the simulator's output had ${counts.rejected} rejected lines`);

  const eventsPerSec = counts.accepted / imp.seconds;
  const baselineReadNdjsonPerSec = base.lines / base.seconds;
  const autoPerSec = auto.lines / auto.seconds;
  const embedded = {
    scale,
    events: counts.accepted,
    bytes,
    seconds: Number(imp.seconds.toFixed(2)),
    eventsPerSec: Math.round(eventsPerSec),
    peakRssMB: imp.peakRssMB,
    baselineReadNdjsonSeconds: Number(base.seconds.toFixed(2)),
    baselineReadNdjsonPerSec: Math.round(baselineReadNdjsonPerSec),
    ratio: Number((eventsPerSec / baselineReadNdjsonPerSec).toFixed(3)),
    baselineAutoDetectSeconds: Number(auto.seconds.toFixed(2)),
    baselineAutoDetectPerSec: Math.round(autoPerSec),
    ratioVsAutoDetect: Number((eventsPerSec / autoPerSec).toFixed(3)),
    logMB: Math.round(sizeOfFiles(join(dbDir, 'sel104.log.duckdb')) / 1e6),
    projectionMB: Math.round(sizeOfFiles(join(dbDir, 'sel104.duckdb')) / 1e6),
  };

  const key = scale === 20 ? 'embedded' : `embeddedScale${scale}`;
  writeFileSync(RESULTS, JSON.stringify({ ...readResults(), [key]: embedded, measuredAt: new Date().toISOString() }, null, 2) + '\n');

  const rows: [string, string][] = [
    ['events', counts.accepted.toLocaleString('en-US')],
    ['file size', `${(bytes / 1e6).toFixed(0)} MB`],
    ['sel104 import (validate + log + project)', `${imp.seconds.toFixed(1)} s, ${Math.round(eventsPerSec).toLocaleString('en-US')} events/s`],
    ['peak RSS of the import', `${imp.peakRssMB} MB`],
    ['DuckDB read_ndjson, declared columns (baseline)', `${base.seconds.toFixed(1)} s, ${Math.round(baselineReadNdjsonPerSec).toLocaleString('en-US')} lines/s`],
    ['ratio (import ÷ baseline)', embedded.ratio.toFixed(3)],
    ['DuckDB read_ndjson, auto-detected columns', `${auto.seconds.toFixed(1)} s, ${Math.round(autoPerSec).toLocaleString('en-US')} lines/s`],
    ['ratio (import ÷ auto-detected read)', embedded.ratioVsAutoDetect.toFixed(3)],
    ['log / projection on disk', `${embedded.logMB} MB / ${embedded.projectionMB} MB`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\nsel104 benchmark, scale ${scale}\n${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\nwritten to bench/results.json\n`);
}
