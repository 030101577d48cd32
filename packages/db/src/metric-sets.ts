import { createHash } from 'node:crypto';
import type pg from 'pg';

/** What metric_sets.names_hash holds for a name list (ingest and the roller agree on it). */
export function metricNamesHash(names: string[]): string {
  return createHash('sha256').update(names.join('\n')).digest('hex');
}

/** The id of the stored metric-name list, creating it on first use. */
export async function upsertMetricSet(db: pg.Pool | pg.ClientBase, names: string[], namesHash = metricNamesHash(names)): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO metric_sets (names, names_hash) VALUES ($1, $2)
     ON CONFLICT (names_hash) DO UPDATE SET names_hash = EXCLUDED.names_hash
     RETURNING id`,
    [names, namesHash],
  );
  return rows[0]!.id;
}
