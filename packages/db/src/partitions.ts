// The samples table is partitioned by UTC day. Partitions are created ahead of
// need (and for the accepted backfill window) so an insert never finds a gap.
import type pg from 'pg';

const DAY_MS = 86_400_000;

export function partitionName(dayStartMs: number): string {
  return `samples_p${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Creates daily partitions covering [fromMs, toMs]. Idempotent; returns the names created. */
export async function ensureSamplePartitions(pool: pg.Pool, fromMs: number, toMs: number): Promise<string[]> {
  const existing = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'samples'::regclass`,
  );
  const have = new Set(existing.rows.map((r) => r.name));
  const created: string[] = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day <= toMs; day += DAY_MS) {
    const name = partitionName(day);
    if (have.has(name)) continue;
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    // Identifiers cannot be bound as parameters; `name` is derived from a date, never from input.
    try {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF samples FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
      created.push(name);
    } catch (err) {
      // Another process (ingest and alerter start together) created it first.
      if (!isAlreadyExists(err)) throw err;
    }
  }
  return created;
}

function isAlreadyExists(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '42P07' || code === '23505';
}
