// The hour rollups a release comparison reads: for every instance of an app,
// per hour, the min, mean and last of the few metrics it compares. Metric
// names are matched by their base name (labels stripped) in SQL, and bound as
// a parameter, never spliced in.
import type pg from 'pg';

export interface HourRow {
  instanceId: string;
  /** unix seconds */
  t: number;
  name: string;
  min: number | null;
  avg: number | null;
  last: number | null;
}

export const COMPARED_METRICS = [
  'process.memory.rss',
  'v8js.memory.heap.used_after_gc',
  'cpython.pymalloc.used_bytes',
  'glibc.malloc.fragmentation',
  'v8js.memory.heap.fragmentation',
  'cpython.pymalloc.utilization',
  'v8js.gc.time_fraction',
  'cpython.gc.pause.total',
];

export async function releaseHourRows(pool: pg.Pool, appId: string, fromMs: number, toMs: number): Promise<HourRow[]> {
  const { rows } = await pool.query<HourRow>(
    `SELECT r.instance_id::text AS "instanceId", extract(epoch FROM r.bucket)::float8 AS t, u.name, u.mn AS min, u.av AS avg, u.lst AS last
       FROM instances i
       JOIN rollups_1h r ON r.instance_id = i.id AND r.bucket >= to_timestamp($2 / 1000.0) AND r.bucket < to_timestamp($3 / 1000.0)
       JOIN metric_sets ms ON ms.id = r.metric_set_id
       CROSS JOIN LATERAL unnest(ms.names, r.n, r."min", r."avg", r."last") AS u(name, n, mn, av, lst)
      WHERE i.app_id = $1 AND u.n > 0 AND split_part(u.name, '{', 1) = ANY($4::text[])
      ORDER BY 1, 2`,
    [appId, fromMs, toMs, COMPARED_METRICS],
  );
  return rows;
}
