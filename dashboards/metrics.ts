import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Positions } from './overview.ts';

/**
 * GET /metrics in Prometheus text format: lines taken by the ingest API (by result), the log and
 * projection positions with the lag between them (read when scraped), and report latency.
 */
export function createMetrics(readPositions: () => Promise<Positions>) {
  const registry = new Registry();
  const events = new Counter({
    name: 'sel104_ingest_events_total',
    help: 'Lines received by POST /api/events since the server started, by result (accepted, duplicate, rejected)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['accepted', 'duplicate', 'rejected']) events.inc({ result }, 0);
  let last: Positions | undefined;
  const read = async (): Promise<Positions> => (last = await readPositions());
  new Gauge({ name: 'sel104_log_position', help: 'Position of the last event in the log', registers: [registry], async collect() { this.set((await read()).logPosition); } });
  new Gauge({ name: 'sel104_projection_position', help: 'Log position the projection has reached', registers: [registry], collect() { this.set(last?.projectionPosition ?? 0); } });
  new Gauge({ name: 'sel104_log_available', help: '1 while the event log can be reached, 0 when not', registers: [registry], collect() { this.set(last && 'available' in last && last.available === false ? 0 : 1); } });
  new Gauge({ name: 'sel104_projection_lag_events', help: 'Events in the log not yet projected', registers: [registry], collect() { this.set(last?.lag ?? 0); } });
  const reportSeconds = new Histogram({
    name: 'sel104_report_duration_seconds',
    help: 'Time to run one report for the API',
    labelNames: ['report'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, events, reportSeconds };
}
