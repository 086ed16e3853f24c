/**
 * The dashboard benchmark (issue 4): on a copy of a database, served by `buildServer` over real
 * HTTP on 127.0.0.1, measure (a) the Overblik page settled in Chromium, (b) every report through
 * the API, and (c) POST /api/events of 10,000 events, and when they show in a report.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { openDatabase, resolvePaths, type Database } from '../consumers/database.ts';
import { catchUp, ensureProjectionSchema } from '../consumers/projector.ts';
import { openEmbeddedIngest } from '../dashboards/pipeline.ts';
import { buildServer } from '../dashboards/server.ts';
import { ndjsonChunks } from '../producers/ndjson.ts';
import { simulate } from '../producers/simulator/index.ts';
import { REPORT_NAMES } from '../reports/catalogue.ts';
import type { Event } from '../schemas/events.ts';
import { loadStandards } from '../schemas/standard.ts';

export const DASHBOARD_TARGETS = Object.freeze({ overblikSettledMs: 1500, apiP95Ms: 100, ingestEventsPerSec: 50_000 });

export interface Settled {
  p50: number;
  p95: number;
  max: number;
  runs: number[];
}

export interface Timing {
  p50Ms: number;
  p95Ms: number;
}

export interface DashboardResult {
  scale: number;
  /** A fresh page per load in one browser context, after a warm-up load: vega's files come from the HTTP cache. */
  overblikSettledMs: Settled;
  /** A fresh browser context per load: a first visit, vega's 1 MB of scripts fetched each time. */
  overblikFirstVisitSettledMs: Settled;
  /** The report requests the Overblik page makes, by URL (the server runs them one at a time). */
  overblikRequestsMs: Record<string, Timing>;
  /** Every report by GET, one warm-up then the timed runs (standard-evidence: served from the server's cache). */
  apiReportsMs: Record<string, Timing>;
  /** standard-evidence with Cache-Control: no-cache: run anew on each request. */
  apiUncachedMs: Record<string, Timing>;
  apiP95MaxMs: number;
  /**
   * POSTs of 10,000 events after one untimed 10,000-event POST (`first`, timed apart): that one
   * plans the bulk check for the batch's event types, once per server.
   */
  ingest10kEventsPerSec: { runs: number[]; median: number; first: number };
  /** From the start of a POST to the first GET of the volume report that counts its applications (median of the posts). */
  postVisibleMs: number;
  /** Whether the first GET after each POST's response already counted them (the route's promise). */
  postVisibleOnFirstGet: boolean;
  /**
   * The same POSTs back to back, each sent when the previous one is answered, with no GET between
   * (their projections overlap the next POSTs): events per second from the first POST's start
   * until a GET of the volume report counts every one of their applications.
   */
  ingestBackToBackEventsPerSec: number;
  /** As `sel104 serve` starts: the ingest log opened and its eventId filter built (eventIdFilter.ts). */
  eventIdFilterMs: number;
  targets: typeof DASHBOARD_TARGETS;
}

export interface DashboardOptions {
  /** The directory holding sel104.duckdb and sel104.log.duckdb; it is copied, never written. */
  source: string;
  /** Where the copy is made (emptied first, deleted at the end). */
  work: string;
  scale: number;
  loads?: number;
  runs?: number;
  posts?: number;
  on?: string;
}

/** Nearest rank, as the metrics use it: the value at rank ⌈q·n⌉ of the sorted values. */
const nearestRank = (sorted: number[], q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
const ms = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;
const round1 = (x: number): number => Number(x.toFixed(1));

function timing(times: number[]): Timing {
  const s = [...times].sort((a, b) => a - b);
  return { p50Ms: round1(nearestRank(s, 0.5)), p95Ms: round1(nearestRank(s, 0.95)) };
}

function settled(runs: number[]): Settled {
  const s = [...runs].sort((a, b) => a - b);
  return { p50: Math.round(nearestRank(s, 0.5)), p95: Math.round(nearestRank(s, 0.95)), max: Math.round(s[s.length - 1]!), runs: runs.map(Math.round) };
}

export async function benchDashboard({ source, work, scale, loads = 10, runs = 20, posts = 5, on = '2025-06-30' }: DashboardOptions): Promise<DashboardResult> {
  // The POSTs add events, so the benchmark works on a copy (the WAL files too, if a run left any).
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const f of ['sel104.duckdb', 'sel104.log.duckdb'].flatMap((f) => [f, `${f}.wal`])) {
    if (existsSync(join(source, f))) copyFileSync(join(source, f), join(work, f));
  }
  let db: Database | undefined;
  let app: ReturnType<typeof buildServer> | undefined;
  try {
    // As `sel104 serve` starts.
    db = await openDatabase(resolvePaths({ db: join(work, 'sel104.duckdb') }));
    await ensureProjectionSchema(db.conn);
    await catchUp(db.conn);
    const filterAt = process.hrtime.bigint();
    await openEmbeddedIngest(db);
    const eventIdFilterMs = Math.round(ms(filterAt));
    process.stderr.write(`dashboard: the ingest log opened, its eventId filter built, in ${eventIdFilterMs} ms\n`);
    app = buildServer({ db, standards: loadStandards() });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // Simulated before anything is timed: it is CPU work the timings should not share.
    const events = firstEvents(10_000);

    process.stderr.write(`dashboard: every report through the API, ${runs} runs each …\n`);
    const apiReportsMs: Record<string, Timing> = {};
    for (const name of REPORT_NAMES) {
      apiReportsMs[name] = await timeGet(`${base}/api/reports/${name}?on=${on}`, runs);
      process.stderr.write(`  ${name}: p50 ${apiReportsMs[name].p50Ms} ms, p95 ${apiReportsMs[name].p95Ms} ms\n`);
    }
    const apiUncachedMs = { 'standard-evidence': await timeGet(`${base}/api/reports/standard-evidence?on=${on}`, runs, { 'cache-control': 'no-cache' }) };
    process.stderr.write(`  standard-evidence, no-cache: p50 ${apiUncachedMs['standard-evidence'].p50Ms} ms, p95 ${apiUncachedMs['standard-evidence'].p95Ms} ms\n`);
    const overblikRequestsMs: Record<string, Timing> = {};
    for (const url of await overblikRequests(base)) overblikRequestsMs[url] = await timeGet(base + url, runs);

    process.stderr.write(`dashboard: Overblik in Chromium, ${loads} loads each way …\n`);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const overblik: number[] = [];
    const firstVisit: number[] = [];
    try {
      const context = await browser.newContext();
      await loadOverblik(context, base);
      for (let i = 0; i < loads; i++) overblik.push(await loadOverblik(context, base));
      await context.close();
      for (let i = 0; i < loads; i++) firstVisit.push(await loadFirstVisit(browser, base));
    } finally {
      await browser.close();
    }

    process.stderr.write(`dashboard: POST /api/events, ${posts} × 10,000 events …\n`);
    const tag = `bench-${Date.now().toString(36)}`;
    const firstAt = process.hrtime.bigint();
    await post(base, ndjsonBody(events, `${tag}-w-`), events.length);
    const first = Math.round(10_000 / (ms(firstAt) / 1000));
    process.stderr.write(`  first POST: ${first.toLocaleString('en-US')} events/s (untimed in the median)\n`);
    const cases = newCases(events);
    if (cases === 0) throw new Error('the events to post hold no application, so no report would show them');
    const perSec: number[] = [];
    const visible: number[] = [];
    let onFirstGet = true;
    for (let i = 0; i < posts; i++) {
      const body = ndjsonBody(events, `${tag}-${i}-`);
      const before = await applications(base);
      const t = process.hrtime.bigint();
      await post(base, body, events.length);
      perSec.push(Math.round(10_000 / (ms(t) / 1000)));
      let gets = 0;
      while ((await applications(base)) < before + cases) {
        if (++gets === 100) throw new Error('POST /api/events: the posted applications were not in the volume report after 100 GETs');
      }
      visible.push(ms(t));
      if (gets > 0) onFirstGet = false;
      process.stderr.write(`  ${perSec[i]!.toLocaleString('en-US')} events/s, visible after ${Math.round(visible[i]!)} ms\n`);
    }
    const bodies = Array.from({ length: posts }, (_, i) => ndjsonBody(events, `${tag}-b${i}-`));
    const beforeRun = await applications(base);
    const runAt = process.hrtime.bigint();
    for (const body of bodies) await post(base, body, events.length);
    for (let gets = 0; (await applications(base)) < beforeRun + posts * cases; ) {
      if (++gets === 100) throw new Error('POST /api/events: the posted applications were not in the volume report after 100 GETs');
    }
    const backToBack = Math.round((posts * 10_000) / (ms(runAt) / 1000));
    process.stderr.write(`  ${posts} POSTs back to back, until visible: ${backToBack.toLocaleString('en-US')} events/s\n`);

    const apiP95MaxMs = Math.max(...Object.values(apiReportsMs).map((r) => r.p95Ms));
    return {
      scale,
      overblikSettledMs: settled(overblik),
      overblikFirstVisitSettledMs: settled(firstVisit),
      overblikRequestsMs,
      apiReportsMs,
      apiUncachedMs,
      apiP95MaxMs,
      ingest10kEventsPerSec: { runs: perSec, median: [...perSec].sort((a, b) => a - b)[Math.floor(perSec.length / 2)]!, first },
      postVisibleMs: Math.round([...visible].sort((a, b) => a - b)[Math.floor(visible.length / 2)]!),
      postVisibleOnFirstGet: onFirstGet,
      ingestBackToBackEventsPerSec: backToBack,
      eventIdFilterMs,
      targets: DASHBOARD_TARGETS,
    };
  } finally {
    await app?.close();
    db?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One warm-up GET, then `runs` timed to the last byte of the body, client-side. */
async function timeGet(url: string, runs: number, headers: Record<string, string> = {}): Promise<Timing> {
  const get = async () => {
    const res = await fetch(url, { headers: { accept: 'application/json', ...headers } });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text}`);
  };
  await get();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await get();
    times.push(ms(t));
  }
  return timing(times);
}

/** The report URLs the page fetches, read from the chart configuration it is served with. */
async function overblikRequests(base: string): Promise<string[]> {
  const html = await (await fetch(`${base}/dashboards/overblik`)).text();
  const json = /<script type="application\/json" id="sel104-charts">([^<]*)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error('GET /dashboards/overblik: no chart configuration in the page');
  return [...new Set((JSON.parse(json) as { charts: { url: string }[] }).charts.map((c) => c.url))];
}

// Page-side scripts are strings: this project's TypeScript has no DOM types. performance.now()
// counts from the document's time origin, the start of its navigation (PerformanceNavigationTiming
// startTime 0), so the value taken when dashboard.js sets the ready flag is "navigation start to
// settled": the HTML, the scripts, every chart's report fetch and drawing.
const RECORD_SETTLED = `new MutationObserver((_, o) => {
  if (document.body && document.body.dataset.ready === 'true') { window.__settledMs = performance.now(); o.disconnect(); }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });`;

/** One load in a fresh page of `context`; returns navigation start to the ready flag, in ms, as the page measured it. */
async function loadOverblik(context: BrowserContext, base: string): Promise<number> {
  const page = await context.newPage();
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript({ content: RECORD_SETTLED });
    await page.goto(`${base}/dashboards/overblik`);
    await page.waitForFunction('window.__settledMs !== undefined', undefined, { timeout: 60_000 });
    const failed = (await page.evaluate(`[...document.querySelectorAll('.vis[data-error]')].map((e) => e.id)`)) as string[];
    if (errors.length > 0 || failed.length > 0) throw new Error(`Overblik: charts failed (${failed.join(', ')}) ${errors.join('; ')}`);
    return (await page.evaluate('window.__settledMs')) as number;
  } finally {
    await page.close();
  }
}

async function loadFirstVisit(browser: Browser, base: string): Promise<number> {
  const context = await browser.newContext();
  try {
    return await loadOverblik(context, base);
  } finally {
    await context.close();
  }
}

/**
 * The first `n` events of a small simulation. They would repeat events of the database's log,
 * so each run gives them ids of its own: the event id, and the case id, so that the posted
 * applications are new cases a report counts.
 */
function firstEvents(n: number): Event[] {
  const out: Event[] = [];
  for (const e of simulate({ from: '2019-01-01', to: '2019-12-31', scale: 1, seed: 1 })) {
    out.push(e);
    if (out.length === n) return out;
  }
  throw new Error(`the simulation gave only ${out.length} events; ${n} are needed`);
}

// A copy into a plain Uint8Array: what fetch's body type takes (Buffer's ArrayBufferLike is not).
const ndjsonBody = (events: Event[], prefix: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.concat([...ndjsonChunks(events.map((e) => ({ ...e, eventId: prefix + e.eventId, ...('caseId' in e ? { caseId: prefix + e.caseId } : {}) })))]));

const newCases = (events: Event[]): number => new Set(events.filter((e) => e.type === 'ApplicationReceived').map((e) => ('caseId' in e ? e.caseId : ''))).size;

async function post(base: string, body: Uint8Array<ArrayBuffer>, expected: number): Promise<void> {
  const res = await fetch(`${base}/api/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  const r = (await res.json()) as { received: number; accepted: number; duplicates: number; rejected: unknown[] };
  if (!res.ok || r.accepted !== expected) throw new Error(`POST /api/events: ${res.status}, expected ${expected} accepted, got ${JSON.stringify(r).slice(0, 500)}`);
}

/** Applications over the whole period in the volume report, every municipality. */
async function applications(base: string): Promise<number> {
  const res = await fetch(`${base}/api/reports/volume`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /api/reports/volume: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { applications: number }[]).reduce((n, r) => n + r.applications, 0);
}

/** The human summary, with the in-process report timings beside the API's when there are some. */
export function formatDashboard(d: DashboardResult, inProcess: Record<string, Timing> = {}): string {
  const t = d.targets;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const settledText = (x: Settled) => `p50 ${x.p50} ms  p95 ${x.p95} ms  max ${x.max} ms`;
  const timingText = (x: Timing) => `p50 ${x.p50Ms.toFixed(1).padStart(7)} ms  p95 ${x.p95Ms.toFixed(1).padStart(7)} ms`;
  const worst = Object.entries(d.apiReportsMs).find(([, v]) => v.p95Ms === d.apiP95MaxMs)![0];
  const ingest = d.ingest10kEventsPerSec;
  const n = (x: number) => x.toLocaleString('en-US');
  const rows: [string, string][] = [
    [`Overblik settled (${d.overblikSettledMs.runs.length} loads)`, `${settledText(d.overblikSettledMs)}   target ≤ ${t.overblikSettledMs} ms: ${met(d.overblikSettledMs.p95 <= t.overblikSettledMs)}`],
    ['  first visits (new context)', settledText(d.overblikFirstVisitSettledMs)],
    ...Object.entries(d.overblikRequestsMs).map(([k, v]): [string, string] => [`  page request ${k}`, timingText(v)]),
    ['API per report (JSON)', `worst p95 ${d.apiP95MaxMs} ms (${worst})   target ≤ ${t.apiP95Ms} ms: ${met(d.apiP95MaxMs <= t.apiP95Ms)}`],
    ...Object.entries(d.apiReportsMs).map(([k, v]): [string, string] => [`  ${k}${d.apiUncachedMs?.[k] ? ' (cached)' : ''}`, timingText(v) + (inProcess[k] ? `   in-process p95 ${inProcess[k].p95Ms.toFixed(1).padStart(7)} ms` : '')]),
    ...Object.entries(d.apiUncachedMs ?? {}).map(([k, v]): [string, string] => [`  ${k}, run anew (no-cache)`, `${timingText(v)}   target ≤ ${t.apiP95Ms} ms: ${met(v.p95Ms <= t.apiP95Ms)}`]),
    ['POST /api/events, 10,000 events', `${n(ingest.median)} events/s median (${ingest.runs.map(n).join(', ')})   target ≥ ${n(t.ingestEventsPerSec)}: ${met(ingest.median >= t.ingestEventsPerSec)}`],
    ['  the first POST of the server (plans the check)', `${n(ingest.first ?? 0)} events/s`],
    ['  eventId filter built at server start', `${n(d.eventIdFilterMs ?? 0)} ms`],
    ['  in the volume report after', `${d.postVisibleMs} ms from the start of the POST (${d.postVisibleOnFirstGet ? '' : 'NOT '}on the first GET after the response)`],
    ['  POSTs back to back, until in the report', `${n(d.ingestBackToBackEventsPerSec ?? 0)} events/s (projections overlapping the next POSTs)`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return `\ndashboard at scale ${d.scale} (HTTP on 127.0.0.1, headless Chromium)\n${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\nwritten to bench/results.json\n`;
}
