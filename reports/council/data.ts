import type { DuckDBConnection } from '@duckdb/node-api';
import type { Standard } from '../../schemas/standard.ts';
import { runReport, type Row } from '../runner.ts';
import { registeredOffers } from '../offers.ts';
import type { CouncilPeriod } from './period.ts';

/**
 * Everything the council report shows, read through the report catalogue (the same SQL as
 * `sel104 report`): one municipality, the year as the period, its last day (or the as-of day)
 * as the snapshot date, and quarters where a time series is wanted.
 */
export interface CouncilData {
  municipality: string;
  standard: Standard;
  period: CouncilPeriod;
  volume: Row;
  volumeByQuarter: Row[];
  processingTime: Row[];
  processingTimeByQuarter: Row[];
  curve: Row[];
  daysPerWeek: Row[];
  daysPerWeekByOffer: Row[];
  daysPerWeekByLevel: Row[];
  absence: Row[];
  absenceFlags: Row[];
  followUp: Row;
  followUpByQuarter: Row[];
  complaints: Row;
  /** §82a changes effective on or before the end of the period (their consequences last). */
  migrations: Row[];
  eligibility: Row[];
  /** Offer names as registered (OfferRegistered, latest as of), for the tables. */
  offerNames: ReadonlyMap<string, string>;
}

export async function loadCouncilData(
  conn: DuckDBConnection,
  municipality: string,
  period: CouncilPeriod,
  standards: ReadonlyMap<string, Standard>,
): Promise<CouncilData> {
  const opts = { standards };
  const year = { municipality, from: period.from, to: period.to, on: period.to, asOf: period.asOf };
  const rows = async (name: string, params: Record<string, string> = year) => (await runReport(conn, name, params, opts)).rows;
  const one = async (name: string, params?: Record<string, string>) => (await rows(name, params))[0]!;
  const quarters = { ...year, by: 'quarter' };
  return {
    municipality,
    standard: standards.get(municipality)!,
    period,
    volume: await one('volume'),
    volumeByQuarter: await rows('volume', quarters),
    processingTime: await rows('processing-time'),
    processingTimeByQuarter: await rows('processing-time', quarters),
    curve: await rows('processing-time-curve'),
    daysPerWeek: await rows('days-per-week'),
    daysPerWeekByOffer: await rows('days-per-week-by-offer'),
    daysPerWeekByLevel: await rows('days-per-week-by-level'),
    absence: await rows('absence'),
    absenceFlags: await rows('absence-flags'),
    followUp: await one('follow-up'),
    followUpByQuarter: await rows('follow-up', quarters),
    complaints: await one('complaints'),
    migrations: await rows('migrations-82a', { municipality, to: period.to, on: period.to, asOf: period.asOf }),
    eligibility: await rows('eligibility'),
    offerNames: await offerNames(conn, municipality, period.asOf),
  };
}

async function offerNames(conn: DuckDBConnection, municipality: string, asOf: string): Promise<Map<string, string>> {
  return new Map((await registeredOffers(conn, { municipality, asOf })).map((o) => [o.offerId, o.name]));
}

/** A count or percentage of a report row (the catalogue types them; null stays null). */
export function num(row: Row, field: string): number | null {
  const v = row[field];
  return typeof v === 'number' ? v : null;
}

/** A count of a report row: a count is never null (contract §4). */
export function count(row: Row, field: string): number {
  return num(row, field) ?? 0;
}

/** An offer's registered name; an offer never registered is named as such, with its id. */
export function offerName(names: ReadonlyMap<string, string>, offerId: string): string {
  return names.get(offerId) ?? `Ukendt tilbud (${offerId})`;
}
