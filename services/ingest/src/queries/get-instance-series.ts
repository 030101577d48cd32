// Per-metric series of one instance. Samples hold every metric of a tick in a
// float8[]; the metric's position comes from the row's metric set, so the
// query reads only this instance's rows in the range (primary key order).
import type pg from 'pg';

export interface SeriesQuery {
  instanceId: string;
  metrics: string[];
  fromMs: number;
  toMs: number;
  /** 0 = raw samples; otherwise the average per bucket of this width. */
  stepMs: number;
}

export async function getInstanceSeries(pool: pg.Pool, q: SeriesQuery): Promise<Map<string, [number, number | null][]>> {
  const bucket = q.stepMs > 0 ? `date_bin(make_interval(secs => $5 / 1000.0), s.ts, timestamptz 'epoch')` : 's.ts';
  const { rows } = await pool.query<{ metric: string; t: string; v: number | null }>(
    `SELECT m.name AS metric, (extract(epoch FROM ${bucket}) * 1000)::float8 AS t, avg(s.values[array_position(ms.names, m.name)]) AS v
       FROM samples s
       JOIN metric_sets ms ON ms.id = s.metric_set_id
       CROSS JOIN unnest($2::text[]) AS m(name)
      WHERE s.instance_id = $1 AND s.ts >= to_timestamp($3 / 1000.0) AND s.ts < to_timestamp($4 / 1000.0)
        AND m.name = ANY(ms.names)
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    q.stepMs > 0 ? [q.instanceId, q.metrics, q.fromMs, q.toMs, q.stepMs] : [q.instanceId, q.metrics, q.fromMs, q.toMs],
  );
  const series = new Map<string, [number, number | null][]>(q.metrics.map((m) => [m, []]));
  for (const r of rows) series.get(r.metric)!.push([Number(r.t), r.v === null ? null : Number(r.v)]);
  return series;
}

/** Metric names this instance reported in the range. */
export async function listInstanceMetrics(pool: pg.Pool, instanceId: string, fromMs: number, toMs: number): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT DISTINCT unnest(ms.names) AS name
       FROM metric_sets ms
      WHERE ms.id IN (SELECT DISTINCT metric_set_id FROM samples
                       WHERE instance_id = $1 AND ts >= to_timestamp($2 / 1000.0) AND ts < to_timestamp($3 / 1000.0))
      ORDER BY 1`,
    [instanceId, fromMs, toMs],
  );
  return rows.map((r) => r.name);
}
