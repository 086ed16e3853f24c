import { createReadStream, createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { openDatabase, resolvePaths, type Database } from '../consumers/database.ts';
import { listDeadLetters } from '../consumers/deadLetters.ts';
import { catchUp, dropProjections, ensureProjectionSchema, rebuild } from '../consumers/projector.ts';
import { logEndPosition, logIdentity } from '../consumers/embeddedLogReader.ts';
import { IMPORT_BATCH, importLines } from '../producers/importer.ts';
import { importToKafka, projectFromKafka } from './kafka.ts';
import { ndjsonChunks } from '../producers/ndjson.ts';
import { Event } from '../schemas/events.ts';
import { Sel104Error } from '../schemas/errors.ts';
import { isoDate } from '../schemas/primitives.ts';
import { redactCpr } from '../schemas/validate.ts';
import { OFFER_REPORTS, REPORT_NAMES } from '../reports/catalogue.ts';
import { FILE_FORMATS, TEXT_FORMATS, renderText, toArrowIpc, type ReportFormat } from '../reports/formats.ts';
import { checkRequest, exportParquet, runReport, type ReportResult } from '../reports/runner.ts';
import { publicArrowIpc, publicPeriods, publicDeclaration } from '../reports/public.ts';
import { buildPublication, publishedReport, type PublicRequest } from '../reports/publication.ts';
import { DEFAULT_THRESHOLD } from '../reports/suppression.ts';
import { currentStandards } from './context.ts';
import { progressBar } from './progress.ts';
import { formatTable } from './table.ts';

const DEFAULT_PORT = 8104;

interface GlobalOptions {
  db: string;
  log: 'embedded' | 'kafka';
}

const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals() as GlobalOptions;

/** Reports and the dead-letter list read the projection, whichever log fed it. */
/**
 * @param reads the command only reads (report, council-report, dlq): a database that is not there
 *              is an error naming the path, not a new empty one that reports zeros
 * @param replays the command replays the embedded log (rebuild, project): so must its file
 */
async function withDatabase<T>(opts: GlobalOptions, fn: (db: Database) => Promise<T>, { reads = false, replays = false } = {}): Promise<T> {
  const paths = resolvePaths({ db: opts.db });
  if (existsSync(paths.db) && statSync(paths.db).isDirectory()) throw new Sel104Error('SEL104_ERR_USAGE', `the database ${paths.db} is a folder; give a file (--db or SEL104_DB)`);
  if (reads && !existsSync(paths.db)) {
    throw new Sel104Error('SEL104_ERR_FILE_NOT_FOUND', `no database at ${paths.db}; import events first (sel104 import FILE), or name another with --db or SEL104_DB`);
  }
  // (a mistyped --db would otherwise leave two empty files behind)
  if (replays && !existsSync(paths.log)) {
    throw new Sel104Error('SEL104_ERR_FILE_NOT_FOUND', `no embedded log at ${paths.log}; import events first (sel104 import FILE), or name another database with --db or SEL104_DB`);
  }
  const db = await openDatabase(paths);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

const parseWith = <T>(schema: z.ZodType<T>, name: string) => (value: string): T => {
  const r = schema.safeParse(value);
  if (!r.success) throw new Sel104Error('SEL104_ERR_USAGE', `${name}: ${r.error.issues[0]?.message ?? 'invalid'} (got "${value}")`);
  return r.data;
};

/**
 * A file to write (--out): checked before any work is done, so that a mistyped folder is one line
 * naming it, not a failure after the report ran.
 */
const outputFile = (name: string) => (value: string): string => {
  const folder = dirname(resolve(value));
  if (existsSync(value) && statSync(value).isDirectory()) throw new Sel104Error('SEL104_ERR_USAGE', `${name}: ${value} is a folder; give a file name`);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Sel104Error('SEL104_ERR_USAGE', `${name}: there is no folder ${folder} to write ${value} in`);
  return value;
};

const positiveNumber = (name: string) => parseWith(z.coerce.number({ error: 'must be a positive number' }).positive('must be a positive number'), name);
const integer = (name: string) => parseWith(z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number'), name);
const positiveInteger = (name: string) =>
  parseWith(z.coerce.number({ error: 'must be a whole number > 0' }).int('must be a whole number > 0').positive('must be a whole number > 0'), name);
const threshold = parseWith(z.coerce.number({ error: 'must be a whole number ≥ 2' }).int('must be a whole number ≥ 2').min(2, 'must be a whole number ≥ 2'), '--threshold');
const municipalityList = parseWith(
  z.string().regex(/^\d{3}(,\d{3})*$/, 'must be comma-separated 3-digit municipality codes').transform((s) => s.split(',')),
  '--municipalities',
);

async function writeAll(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export function commands(program: Command): void {
  program
    .command('simulate')
    .description('write realistic, deterministic NDJSON events for Lejre (350) and Roskilde (265)')
    .option('--municipalities <codes>', 'comma-separated municipality codes (default: 350,265)', municipalityList)
    .option('--from <date>', 'first day (YYYY-MM-DD)', parseWith(isoDate, '--from'), '2019-01-01')
    .option('--to <date>', 'last day (YYYY-MM-DD)', parseWith(isoDate, '--to'), '2025-12-31')
    .option('--scale <n>', 'multiplies the number of citizens (≈60 is national)', positiveNumber('--scale'), 1)
    .option('--seed <n>', 'random seed; the same seed gives the same output', integer('--seed'), 1)
    .option('--out <file>', 'output file (default: stdout)', outputFile('--out'))
    .action(async (o: { municipalities?: string[]; from: string; to: string; scale: number; seed: number; out?: string }) => {
      const { estimateEvents, simulate } = await import('../producers/simulator/index.ts');
      if (o.from > o.to) throw new Sel104Error('SEL104_ERR_USAGE', `--from ${o.from} is after --to ${o.to}`);
      const options = { municipalities: o.municipalities ?? ['350', '265'], from: o.from, to: o.to, scale: o.scale, seed: o.seed };
      const out: Writable = o.out ? createWriteStream(o.out) : process.stdout;
      const bar = o.out ? progressBar('simulate', estimateEvents(options), 'events') : progressBar('', 0, '');
      let n = 0;
      for (const chunk of ndjsonChunks(simulate(options), { onEvent: () => n++ })) {
        await writeAll(out, chunk);
        bar.update(n);
      }
      bar.stop();
      if (o.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`wrote ${n} events to ${o.out}\n`);
      }
    });

  program
    .command('import')
    .description('validate NDJSON, append to the log and project; exit 0 all accepted, 3 some rejected, 2 bad usage, 1 failure')
    .argument('<file>', 'an NDJSON file, or - for standard input')
    .option('--json', 'print one JSON object {received, accepted, duplicates, rejected}')
    .option('--batch-size <n>', 'lines per batch (one log transaction and one projection transaction each)', positiveInteger('--batch-size'), IMPORT_BATCH)
    .action(async (file: string, o: { json?: boolean; batchSize: number }, cmd: Command) => {
      let input: Readable;
      let total = 0;
      if (file === '-') input = process.stdin;
      else {
        if (existsSync(file) && statSync(file).isDirectory()) throw new Sel104Error('SEL104_ERR_USAGE', `${file} is a folder; give an NDJSON file (or - for standard input)`);
        if (!existsSync(file)) throw new Sel104Error('SEL104_ERR_FILE_NOT_FOUND', `no such file: ${file}`);
        // a named pipe (`import <(zcat day.ndjson.gz)`) is read as it comes, like standard input
        const kind = statSync(file);
        if (!kind.isFile() && !kind.isFIFO()) throw new Sel104Error('SEL104_ERR_USAGE', `${file} is not a file; give an NDJSON file, a pipe, or - for standard input`);
        total = kind.isFile() ? kind.size : 0;
        input = createReadStream(file, { highWaterMark: 1 << 20 });
      }
      const opts = globals(cmd);
      // (a file named with a CPR number is kept masked, as a rejected line's text is)
      const source = file === '-' ? 'stdin' : redactCpr(file);
      const bar = progressBar('import', total, 'bytes');
      let bytes = 0;
      const onBytes = (b: number) => bar.update((bytes += b));
      const result =
        opts.log === 'kafka'
          ? await importToKafka(input, { source, onBytes, batchSize: Math.min(o.batchSize, 50_000) })
          : await withDatabase(opts, (db) => importLines(db, input, { source, batchSize: o.batchSize, onBytes }));
      bar.stop();
      const { received, accepted, duplicates, rejected } = result;
      if (o.json) process.stdout.write(JSON.stringify({ received, accepted, duplicates, rejected }) + '\n');
      else {
        process.stdout.write(`received ${received}, accepted ${accepted}, duplicates ${duplicates}, rejected ${rejected}\n`);
        for (const r of result.rejections.slice(0, 10)) {
          process.stdout.write(`  line ${r.line}: ${r.reasons.map((x) => `${x.path}: ${x.rule}`).join('; ')}\n`);
        }
        if (rejected > 10) process.stdout.write(`  … ${rejected - 10} more\n`);
        if (rejected > 0) {
          process.stdout.write(
            globals(cmd).log === 'kafka'
              ? `rejected lines went to the dead-letter topic; the projector stores them for: sel104 dlq\n`
              : `rejected lines are in the dead-letter store: sel104 dlq\n`,
          );
        }
      }
      process.exitCode = rejected > 0 ? 3 : 0;
    });

  program
    .command('project')
    .description('run the projector alone: catch up with the log, then follow it')
    .option('--once', 'stop once caught up with the end of the log as it stood at start')
    .option('--interval <ms>', 'poll interval while following (embedded log)', positiveInteger('--interval'), 500)
    .option('--publish <file>', 'with --log kafka: keep a consistent read-only copy of the projection here for "serve --published"')
    .option('--publish-interval <s>', 'publish at most this often (seconds)', positiveInteger('--publish-interval'), 10)
    .option('--batch-size <n>', 'events per projection transaction (default: 250000 embedded, 25000 Kafka)', positiveInteger('--batch-size'))
    .option('--verbose', 'one line on stderr per committed batch')
    .action(async (o: { once?: boolean; interval: number; publish?: string; publishInterval: number; verbose?: boolean; batchSize?: number }, cmd: Command) => {
      const opts = globals(cmd);
      if (opts.log === 'kafka') {
        await withDatabase(opts, (db) =>
          projectFromKafka(db, { once: o.once ?? false, verbose: o.verbose ?? false, publish: o.publish, publishIntervalMs: o.publishInterval * 1000, batchSize: o.batchSize }),
        );
        return;
      }
      if (o.publish) throw new Sel104Error('SEL104_ERR_USAGE', '--publish is for --log kafka (with the embedded log, serve runs the projector itself)');
      await withDatabase(opts, async (db) => {
        await logIdentity(db.conn);
        await ensureProjectionSchema(db.conn);
        const end = await logEndPosition(db.conn);
        const bar = progressBar('project', end, 'events');
        const r = await catchUp(db.conn, { until: end, batchSize: o.batchSize, onProgress: (p) => bar.update(p.position) });
        bar.stop();
        process.stderr.write(`projected ${r.projected} events; projection at log position ${r.position}\n`);
        if (o.once) return;
        let stop = false;
        const halt = () => (stop = true);
        process.once('SIGINT', halt);
        process.once('SIGTERM', halt);
        while (!stop) {
          await new Promise((res) => setTimeout(res, o.interval));
          await catchUp(db.conn, { batchSize: o.batchSize });
        }
      }, { replays: true });
    });

  program
    .command('report')
    .description(`run one report of the catalogue: ${REPORT_NAMES.join(', ')}`)
    .argument('<name>', 'report name')
    .option('--municipality <code>', 'one municipality (default: every municipality with a standard)')
    .option('--from <date>', "first day of the period, on the metric's anchor date (inclusive)")
    .option('--to <date>', "last day of the period, on the metric's anchor date (inclusive)")
    .option('--on <date>', 'snapshot date for open applications, grants in effect, flags and follow-ups (default: today in Europe/Copenhagen)')
    .option('--as-of <timestamp>', 'count only events recorded at or before this ISO 8601 timestamp with offset')
    .option('--by <period>', 'one row per month, quarter or year')
    .option('--offer <offerId>', `only this offer's rows (reports with a row per offer: ${OFFER_REPORTS.join(', ')})`)
    .addOption(new Option('--format <format>', 'output format').choices([...TEXT_FORMATS, ...FILE_FORMATS]).default(process.stdout.isTTY ? 'table' : 'json'))
    .option('--out <file>', 'write to this file (required for parquet and arrow)', outputFile('--out'))
    .option('--public', 'the public version of an aggregate report over whole ended years: small counts shown as <5, and the counts and percentages that would give them away, in it or in any other public report or the council report of the year, as .')
    .option('--threshold <n>', `with --public: counts from 1 to n − 1 are small, shown as <n (default ${DEFAULT_THRESHOLD})`, threshold)
    .action(async (name: string, o: { format: ReportFormat; out?: string; public?: boolean; threshold?: number; [k: string]: unknown }, cmd: Command) => {
      const params = Object.fromEntries(['municipality', 'from', 'to', 'on', 'asOf', 'by', 'offer'].filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
      const opts = { standards: currentStandards() };
      if ((o.format === 'parquet' || o.format === 'arrow') && !o.out) throw new Sel104Error('SEL104_ERR_USAGE', `--format ${o.format} needs --out FILE`);
      if (o.threshold !== undefined && !o.public) throw new Sel104Error('SEL104_ERR_USAGE', '--threshold goes with --public');
      // DuckDB writes Parquet straight from the report's SQL, so the suppressed cells never pass through it.
      if (o.public && o.format === 'parquet') throw new Sel104Error('SEL104_ERR_USAGE', '--public does not write parquet; use --format json, csv, table, excel-csv or arrow');
      const { def, params: checked } = checkRequest(name, params, opts);
      let request: PublicRequest | undefined;
      if (o.public) {
        publicDeclaration(def);
        request = { ...publicPeriods(checked, { on: params.on as string | undefined, asOf: params.asOf as string | undefined }), ...(checked.municipality ? { municipality: checked.municipality } : {}) };
      }
      await withDatabase(globals(cmd), async (db) => {
        await ensureProjectionSchema(db.conn);
        if (o.format === 'parquet') {
          const n = await exportParquet(db.conn, name, params, o.out!, opts);
          process.stderr.write(`wrote ${n} rows to ${o.out}\n`);
          return;
        }
        let result: ReportResult;
        if (request) {
          // the year's publication: every public report and the council report, suppressed together
          const threshold = o.threshold ?? DEFAULT_THRESHOLD;
          if (threshold !== DEFAULT_THRESHOLD) {
            process.stderr.write(`sel104: note: at threshold ${threshold} the year's public reports are suppressed without the council report (threshold ${DEFAULT_THRESHOLD}); published beside it, small counts can be worked out: use one threshold for every output\n`);
          }
          const published = await publishedReport(def.name, request, (year) => buildPublication(db.conn, year, { ...opts, threshold }));
          if (published.exposed.length > 0) {
            process.stderr.write(`sel104: note: ${published.exposed.length} withheld counts may still be worked out from the <${threshold} marks and the sums alone (${published.exposed[0]}${published.exposed.length > 1 ? ', …' : ''}); fewer categories protect them\n`);
          }
          result = published.result;
        } else result = await runReport(db.conn, name, params, opts);
        const body = o.format === 'arrow' ? (o.public ? publicArrowIpc(result) : toArrowIpc(result)) : renderText(result, o.format);
        if (o.out) {
          writeFileSync(o.out, body);
          process.stderr.write(`wrote ${result.rows.length} rows to ${o.out}\n`);
        } else process.stdout.write(body);
      }, { reads: true });
    });

  program
    .command('council-report')
    .description('the printable report to the municipal council (Danish, A4): one municipality and year, small numbers suppressed')
    .requiredOption('--municipality <code>', 'municipality code; it must have a quality standard', parseWith(z.string().regex(/^\d{3}$/, 'must be a 3-digit municipality code'), '--municipality'))
    .requiredOption('--year <yyyy>', 'the year reported on', parseWith(z.string().regex(/^\d{4}$/, 'must be a 4-digit year').transform(Number), '--year'))
    .addOption(new Option('--format <format>', 'output format').choices(['html', 'pdf']).default('pdf'))
    .option('--as-of <timestamp>', 'count only events recorded at or before this ISO 8601 timestamp with offset (default: the end of the year in Europe/Copenhagen if past, else now)')
    .requiredOption('--out <file>', 'write the report to this file', outputFile('--out'))
    .action(async (o: { municipality: string; year: number; format: 'html' | 'pdf'; asOf?: string; out: string }, cmd: Command) => {
      const standards = currentStandards();
      if (!standards.has(o.municipality)) {
        throw new Sel104Error('SEL104_ERR_USAGE', `--municipality: no quality standard for ${o.municipality} (have ${[...standards.keys()].join(', ')})`);
      }
      const { councilPeriod } = await import('../reports/council/period.ts');
      const period = councilPeriod(o.year, o.asOf);
      const { checkChromium, printPdf } = await import('../reports/council/pdf.ts');
      if (o.format === 'pdf') checkChromium();
      const { councilReportHtml, municipalityName } = await import('../reports/council/councilReport.ts');
      const html = await withDatabase(globals(cmd), async (db) => {
        await ensureProjectionSchema(db.conn);
        return councilReportHtml(db.conn, { municipality: o.municipality, period, standards });
      }, { reads: true });
      const footer = `${municipalityName(standards.get(o.municipality)!)} · Aktivitets- og samværstilbud (SEL § 104) · ${o.year}`;
      writeFileSync(o.out, o.format === 'pdf' ? await printPdf(html, { footer }) : html);
      process.stderr.write(`wrote the ${o.format.toUpperCase()} council report for ${o.municipality} ${o.year} (as of ${period.asOf}) to ${o.out}\n`);
    });

  program
    .command('rebuild')
    .description('drop all projections and replay the whole log')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      if (opts.log === 'kafka') {
        await withDatabase(opts, async (db) => {
          await dropProjections(db.conn);
          await projectFromKafka(db, { once: true, verbose: false });
        });
        return;
      }
      await withDatabase(opts, async (db) => {
        await logIdentity(db.conn);
        const end = await logEndPosition(db.conn);
        const bar = progressBar('rebuild', end, 'events');
        const r = await rebuild(db.conn, { onProgress: (p) => bar.update(p.position) });
        bar.stop();
        process.stderr.write(`rebuilt projections from ${r.projected} events\n`);
      }, { replays: true });
    });

  program
    .command('dlq')
    .description('list rejected input: line, source, reasons, raw')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default(process.stdout.isTTY ? 'table' : 'json'))
    .option('--limit <n>', 'at most this many', positiveInteger('--limit'))
    .action(async (o: { format: 'table' | 'json'; limit?: number }, cmd: Command) => {
      const rows = await withDatabase(globals(cmd), (db) => listDeadLetters(db.conn, { limit: o.limit }), { reads: true });
      if (o.format === 'json') process.stdout.write(JSON.stringify(rows) + '\n');
      else {
        const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 3)}...` : text);
        const flat = rows.map((r) => ({ ...r, reasons: cut(r.reasons.map((x) => `${x.path}: ${x.rule}`).join('; '), 100), raw: cut(r.raw, 60) }));
        process.stdout.write(rows.length === 0 ? 'no rejected lines\n' : formatTable(flat, ['receivedAt', 'source', 'line', 'reasons', 'raw']) + '\n');
      }
    });

  program
    .command('schema')
    .description("print the events' JSON Schema (derived from the zod schemas)")
    .action(() => {
      const schema = z.toJSONSchema(Event, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
      process.stdout.write(JSON.stringify({ title: 'sel104 event', ...schema }, null, 2) + '\n');
    });

  program
    .command('serve')
    .description('serve the overview page, the report API, event ingest, /metrics and /docs; --demo simulates Lejre and Roskilde first if the log is empty')
    .option('--demo', 'fill an empty database with simulated events for Lejre (350) and Roskilde (265)')
    .option('--host <host>', 'address to listen on (another than loopback needs SEL104_TOKENS)', '127.0.0.1')
    .option('--port <n>', 'port to listen on', integer('--port'), DEFAULT_PORT)
    .option('--published <file>', 'with --log kafka: run no projector; serve the copy "project --publish" keeps, reopened when it changes')
    .action(async (o: { demo?: boolean; host: string; port: number; published?: string }, cmd: Command) => {
      const opts = globals(cmd);
      if (o.published && opts.log !== 'kafka') throw new Sel104Error('SEL104_ERR_USAGE', '--published is for --log kafka');
      const { serve } = await import('./serve.ts');
      await serve({ db: opts.db, host: o.host, port: o.port, demo: o.demo ?? false, log: opts.log, published: o.published });
    });
}
