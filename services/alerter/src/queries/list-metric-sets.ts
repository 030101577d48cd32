import type pg from 'pg';

/** Metric name lists by id (samples refer to them). */
export async function listMetricSets(db: pg.Pool | pg.ClientBase, ids: number[]): Promise<Map<number, string[]>> {
  const { rows } = await db.query<{ id: number; names: string[] }>('SELECT id, names FROM metric_sets WHERE id = ANY($1::int[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.names]));
}
