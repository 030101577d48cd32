// The newest sample of each instance (within a lookback), with its metric
// names: what the app page's table shows. One row per instance, found by the
// (instance_id, ts) primary key from the newest end.
import type pg from 'pg';

export interface LatestSample {
  instanceId: string;
  ts: number;
  values: Record<string, number | null>;
}

export async function latestSamples(pool: pg.Pool, instanceIds: string[], sinceMs: number): Promise<LatestSample[]> {
  if (instanceIds.length === 0) return [];
  const { rows } = await pool.query<{ instanceId: string; ts: number; names: string[]; values: (number | null)[] }>(
    `SELECT l.instance_id::text AS "instanceId", (extract(epoch FROM l.ts) * 1000)::float8 AS ts, ms.names, l.values
       FROM unnest($1::bigint[]) AS i(id)
       CROSS JOIN LATERAL (SELECT s.instance_id, s.ts, s.metric_set_id, s.values FROM samples s
                            WHERE s.instance_id = i.id AND s.ts >= to_timestamp($2 / 1000.0) ORDER BY s.ts DESC LIMIT 1) l
       JOIN metric_sets ms ON ms.id = l.metric_set_id`,
    [instanceIds, sinceMs],
  );
  return rows.map((r) => ({ instanceId: r.instanceId, ts: r.ts, values: Object.fromEntries(r.names.map((n, i) => [n, r.values[i] ?? null])) }));
}
