import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_SPELLS_TABLE } from '../consumers/projection/serviceSpells.ts';
import { SUMMARY_TABLES } from '../consumers/projection/summaries.ts';
import { cli, projectionDigest, tempDir } from './helpers.ts';

/** The "must show", end to end through the real CLI on a fresh database. */
describe('simulate --seed 7 → import → import again → rebuild', () => {
  const tmp = tempDir('sel104-show-');
  const events = join(tmp.dir, 'ev.ndjson');
  let first: { received: number; accepted: number; duplicates: number; rejected: number };
  beforeAll(() => {
    expect(cli(['simulate', '--seed', '7', '--out', events]).status).toBe(0);
    const r = cli(['import', events, '--json'], { db: tmp.db });
    expect(r.status).toBe(0);
    first = JSON.parse(r.stdout) as typeof first;
  });
  afterAll(() => tmp.cleanup());

  it('accepts every simulated line', () => {
    expect(first.received).toBeGreaterThan(300_000);
    expect(first).toEqual({ received: first.received, accepted: first.received, duplicates: 0, rejected: 0 });
  });

  it('the same import again: every line a duplicate, no table changes', async () => {
    const before = await projectionDigest(tmp.db);
    const r = cli(['import', events, '--json'], { db: tmp.db });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ received: first.received, accepted: 0, duplicates: first.received, rejected: 0 });
    expect(await projectionDigest(tmp.db)).toEqual(before);
  });

  it('rebuild gives the same tables', async () => {
    const before = await projectionDigest(tmp.db);
    // one projection row per accepted event (the attendance summaries and service spells are not events)
    const projected = Object.entries(before).filter(([t]) => !([...SUMMARY_TABLES, SERVICE_SPELLS_TABLE] as readonly string[]).includes(t));
    expect(projected.reduce((n, [, t]) => n + t.rows, 0)).toBe(first.accepted);
    expect(cli(['rebuild'], { db: tmp.db }).status).toBe(0);
    expect(await projectionDigest(tmp.db)).toEqual(before);
  });
});
