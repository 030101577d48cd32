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
  const metrics = [...new Set(q.metrics)];
  const series = new Map<string, [number, number | null][]>(metrics.map((m) => [m, []]));
  if (metrics.length === 0) return series;
  // One pass over the instance's rows: each metric's position is looked up once
  // per metric set (a handful per instance), not once per row and metric, and
  // every metric is a column of the same scan. Columns are numbered here, so
  // no name of a metric is ever spliced into the SQL.
  const k = metrics.map((_, i) => i + 1);
  const grouped = q.stepMs > 0;
  const bucket = grouped ? `date_bin(make_interval(secs => $5 / 1000.0), s.ts, timestamptz 'epoch')` : 's.ts';
  const columns = k
    .map((i) => (grouped ? `avg(s.values[pos.p[${i}]]) AS v${i}, count(pos.p[${i}]) > 0 AS h${i}` : `s.values[pos.p[${i}]] AS v${i}, pos.p[${i}] IS NOT NULL AS h${i}`))
    .join(', ');
  const { rows } = await pool.query<Record<string, number | boolean | null>>(
    `WITH pos AS MATERIALIZED (
       SELECT ms.id, ARRAY(SELECT array_position(ms.names, u.m) FROM unnest($2::text[]) WITH ORDINALITY AS u(m, k) ORDER BY u.k) AS p
         FROM metric_sets ms
        WHERE ms.id IN (SELECT DISTINCT metric_set_id FROM samples
                         WHERE instance_id = $1 AND ts >= to_timestamp($3 / 1000.0) AND ts < to_timestamp($4 / 1000.0))
     )
     SELECT (extract(epoch FROM ${bucket}) * 1000)::float8 AS t, ${columns}
       FROM samples s JOIN pos ON pos.id = s.metric_set_id
      WHERE s.instance_id = $1 AND s.ts >= to_timestamp($3 / 1000.0) AND s.ts < to_timestamp($4 / 1000.0)
      ${grouped ? 'GROUP BY 1' : ''}
      ORDER BY 1`,
    grouped ? [q.instanceId, metrics, q.fromMs, q.toMs, q.stepMs] : [q.instanceId, metrics, q.fromMs, q.toMs],
  );
  for (const r of rows) {
    const t = Number(r.t);
    metrics.forEach((m, i) => {
      if (!r[`h${i + 1}`]) return; // the metric was not in this tick's set: no point, rather than a gap
      const v = r[`v${i + 1}`];
      series.get(m)!.push([t, v === null ? null : Number(v)]);
    });
  }
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
