import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../consumers/database.ts';
import { TABLES } from '../../consumers/projection/tables.ts';
import type { Standard, StandardVersion } from '../../schemas/standard.ts';
import type { Row } from '../runner.ts';
import type { CouncilPeriod } from './period.ts';

/**
 * What the "Datagrundlag" box states: how many of the municipality's events the figures rest
 * on, and a SHA-256 over them, read from the projection tables (so it is the same whichever log
 * fed them). The hashed text is one line per event, "eventId<TAB>recordedAt in microseconds since
 * 1970 UTC", sorted by eventId and joined by newlines: anyone with the events can recompute it.
 */
export interface Provenance {
  events: number;
  sha256: string;
}

export async function provenance(conn: DuckDBConnection, municipality: string, asOf: string): Promise<Provenance> {
  const union = TABLES.map((t) => `SELECT event_id, recorded_at FROM ${t.name} WHERE municipality = $1 AND recorded_at <= CAST($2 AS TIMESTAMPTZ)`).join('\nUNION ALL\n');
  const [r] = await queryRows<{ n: bigint; h: string }>(
    conn,
    `SELECT count(*) AS n,
            sha256(coalesce(string_agg(event_id || chr(9) || CAST(epoch_us(recorded_at) AS VARCHAR), chr(10) ORDER BY event_id), '')) AS h
     FROM (${union})`,
    [municipality, asOf],
  );
  return { events: Number(r!.n), sha256: r!.h };
}

/**
 * The standard versions the year's figures rest on: every version in force on a day of the
 * period, and older ones still applied to decisions in it (a version applies to applications
 * received from its effectiveFrom).
 */
export function versionsInForce(standard: Standard, period: CouncilPeriod, processingTime: readonly Row[]): StandardVersion[] {
  const applied = new Set(processingTime.filter((r) => Number(r.decided) > 0 || Number(r.open) > 0).map((r) => r.standardVersion));
  return standard.versions.filter((v, i) => {
    const next = standard.versions[i + 1];
    const overlaps = v.effectiveFrom <= period.to && (!next || next.effectiveFrom > period.from);
    return overlaps || applied.has(v.id);
  });
}
