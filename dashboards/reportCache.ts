import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Where the projection stands: every projected batch commits its checkpoint (log, partition,
 * position, updated_at) in the same transaction as its rows, so the projection tables cannot
 * change without this value changing. Undefined while there is no checkpoints table (a rebuild
 * drops it): nothing is then cached.
 */
export async function projectionStamp(conn: DuckDBConnection): Promise<string | undefined> {
  try {
    const rows = (await conn.runAndReadAll(
      `SELECT coalesce(string_agg(concat_ws('/', log, log_id, partition, position, epoch_us(updated_at)), ',' ORDER BY log, log_id, partition), '') FROM checkpoints`,
    )).getRowsJS();
    return String(rows[0]![0]);
  } catch {
    return undefined;
  }
}

interface Entry<T> {
  stamp: string;
  value: T;
}

/**
 * Results of reports composed of many report runs (standard-evidence), kept until the projection
 * moves: a request with the same report and parameters on the same projection gets the same rows
 * without running them again. The least recently used entry goes when `size` are held.
 */
export class ProjectionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly size = 32) {}

  /**
   * The kept value for `key` if the projection has not moved since; else (or when `fresh` is
   * asked for) computes and keeps it.
   */
  async get(conn: DuckDBConnection, key: string, compute: () => Promise<T>, fresh = false): Promise<{ value: T; hit: boolean }> {
    // The stamp is read before the run: if the projector commits during the run, the value is
    // kept under the older stamp and the next request runs again.
    const stamp = await projectionStamp(conn);
    const kept = this.entries.get(key);
    if (!fresh && stamp !== undefined && kept?.stamp === stamp) {
      this.entries.delete(key);
      this.entries.set(key, kept);
      return { value: kept.value, hit: true };
    }
    const value = await compute();
    if (stamp !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, { stamp, value });
      if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    }
    return { value, hit: false };
  }

  clear(): void {
    this.entries.clear();
  }
}
