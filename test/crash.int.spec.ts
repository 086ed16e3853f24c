import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../consumers/database.ts';
import { BIN, ROOT, cli, projectionDigest, tempDir, withDb } from './helpers.ts';

/** Log contents that must match between runs: every event with its position (ingestion time aside). */
async function logDigest(db: string) {
  return withDb(db, async ({ conn }) => {
    const [r] = await queryRows<{ n: bigint; h: string }>(
      conn,
      `SELECT count(*) AS n, CAST(sum(hash(position || '|' || event_id || '|' || recorded_at || '|' || data)) AS VARCHAR) AS h
       FROM log.events`,
    );
    const hasCheckpoints = await queryRows(conn, `SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'checkpoints'`);
    const [c] = hasCheckpoints.length ? await queryRows<{ p: bigint }>(conn, `SELECT position AS p FROM checkpoints WHERE log = 'embedded'`) : [];
    return { events: Number(r!.n), digest: r!.h, checkpoint: Number(c?.p ?? 0) };
  });
}

describe('crash safety: an import killed with SIGKILL midway, then run again', () => {
  const tmp = tempDir('sel104-crash-');
  afterAll(() => tmp.cleanup());
  const events = join(tmp.dir, 'events.ndjson');
  const clean = join(tmp.dir, 'clean', 'sel104.duckdb');
  const crashed = join(tmp.dir, 'crashed', 'sel104.duckdb');
  let total = 0;
  let cleanMs = 0;

  beforeAll(() => {
    const sim = cli(['simulate', '--scale', '4', '--seed', '11', '--from', '2021-01-01', '--to', '2024-12-31', '--out', events]);
    expect(sim.status).toBe(0);
    const started = Date.now();
    const r = cli(['import', events, '--json', '--batch-size', '40000'], { db: clean });
    cleanMs = Date.now() - started;
    expect(r.status).toBe(0);
    total = (JSON.parse(r.stdout) as { accepted: number }).accepted;
    expect(total).toBeGreaterThan(200_000);
  });

  /** Starts an import and kills it with SIGKILL after `ms` milliseconds (if it is still running). */
  async function importAndKill(ms: number): Promise<number | null> {
    const child = spawn(process.execPath, [BIN, 'import', events, '--json', '--batch-size', '40000'], {
      cwd: ROOT,
      env: { ...process.env, SEL104_DB: crashed },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  it('loses nothing and counts nothing twice', async () => {
    // Kill at a fraction of the clean import's duration: somewhere in the middle of the file.
    // A kill that lands before the first commit is a crash too; then the next, later kill follows.
    let midway = { events: 0, digest: '', checkpoint: 0 };
    for (const fraction of [0.5, 0.7, 0.85]) {
      const code = await importAndKill(cleanMs * fraction);
      expect(code).toBeNull(); // killed, not finished
      midway = await logDigest(crashed);
      expect(midway.events).toBeLessThan(total);
      expect(midway.checkpoint).toBeLessThanOrEqual(midway.events);
      if (midway.events > 0) break;
    }
    expect(midway.events).toBeGreaterThan(0);

    const again = cli(['import', events, '--json', '--batch-size', '40000'], { db: crashed });
    expect(again.status).toBe(0);
    const counts = JSON.parse(again.stdout) as { received: number; accepted: number; duplicates: number; rejected: number };
    expect(counts.accepted + counts.duplicates).toBe(total);
    expect(counts.duplicates).toBe(midway.events);

    expect(await logDigest(crashed)).toEqual(await logDigest(clean));
    expect(await projectionDigest(crashed)).toEqual(await projectionDigest(clean));
  });
});
