import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../consumers/database.ts';
import { sqlTimestamp } from '../schemas/primitives.ts';

/** An offer as its latest registration (OfferRegistered) names it. */
export interface RegisteredOffer {
  offerId: string;
  municipality: string;
  name: string;
}

/**
 * The offers registered in the log, each with the name of its latest registration recorded by
 * `asOf` (by business date, then recording time, then event id), in municipality and id order.
 */
export async function registeredOffers(conn: DuckDBConnection, { municipality, asOf }: { municipality?: string; asOf?: string } = {}): Promise<RegisteredOffer[]> {
  const found = await queryRows<{ municipality: string; offer_id: string; name: string }>(
    conn,
    `SELECT municipality, offer_id, arg_max(name, (occurred_on, recorded_at, event_id)) AS name FROM offers
     WHERE ($1::VARCHAR IS NULL OR municipality = $1::VARCHAR) AND recorded_at <= ${sqlTimestamp("coalesce($2::VARCHAR, 'infinity')")}
     GROUP BY ALL ORDER BY municipality, offer_id`,
    [municipality ?? null, asOf ?? null],
  );
  return found.map((r) => ({ offerId: r.offer_id, municipality: r.municipality, name: r.name }));
}
