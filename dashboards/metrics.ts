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
  // prom-client collects the gauges concurrently: they share one read of the positions per scrape
  let reading: Promise<Positions> | undefined;
  const positions = (): Promise<Positions> => (reading ??= readPositions().finally(() => { reading = undefined; }));
  const gauge = (name: string, help: string, value: (p: Positions) => number) =>
    new Gauge({ name, help, registers: [registry], async collect() { this.set(value(await positions())); } });
  gauge('sel104_log_position', 'Position of the last event in the log', (p) => p.logPosition);
  gauge('sel104_projection_position', 'Log position the projection has reached', (p) => p.projectionPosition);
  gauge('sel104_log_available', '1 while the event log can be reached, 0 when not', (p) => ('available' in p && p.available === false ? 0 : 1));
  gauge('sel104_projection_lag_events', 'Events in the log not yet projected', (p) => p.lag);
  gauge('sel104_projector_running', '1 while a projector runs (or the log is embedded), 0 while the in-process Kafka projector is stopped', (p) => ('problem' in p && p.problem !== undefined ? 0 : 1));
  const reportSeconds = new Histogram({
    name: 'sel104_report_duration_seconds',
    help: 'Time to run one report for the API',
    labelNames: ['report'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, events, reportSeconds };
}
