import { openDatabase, resolvePaths } from '../consumers/database.ts';
import { ensureProjectionSchema } from '../consumers/projector.ts';
import { REPORT_NAMES } from '../reports/catalogue.ts';
import { runReport } from '../reports/runner.ts';
import { loadStandards } from '../schemas/standard.ts';

export interface ReportTiming {
  p50Ms: number;
  p95Ms: number;
  rows: number;
}

/** Nearest rank, as the metrics use it: the value at rank ⌈q·n⌉ of the sorted values. */
const nearestRank = (sorted: number[], q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

/**
 * Every report `runs` times (after one warm-up run) on one connection, with the default
 * parameters (every municipality, the whole period) and a fixed snapshot date. The database is
 * brought to the current layout first, as every command that writes to it does (a file from
 * an earlier import gets the tables the projector keeps since).
 */
export async function benchReports(db: string, { runs = 20, on = '2025-06-30' } = {}): Promise<Record<string, ReportTiming>> {
  const database = await openDatabase(resolvePaths({ db }));
  await ensureProjectionSchema(database.conn);
  const standards = loadStandards();
  const out: Record<string, ReportTiming> = {};
  try {
    for (const name of REPORT_NAMES) {
      const first = await runReport(database.conn, name, { on }, { standards });
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = process.hrtime.bigint();
        await runReport(database.conn, name, { on }, { standards });
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      times.sort((a, b) => a - b);
      out[name] = { p50Ms: Number(nearestRank(times, 0.5).toFixed(1)), p95Ms: Number(nearestRank(times, 0.95).toFixed(1)), rows: first.rows.length };
      process.stderr.write(`  ${name}: p50 ${out[name].p50Ms} ms, p95 ${out[name].p95Ms} ms\n`);
    }
  } finally {
    database.close();
  }
  return out;
}
