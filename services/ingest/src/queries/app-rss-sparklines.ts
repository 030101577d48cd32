// Per app, the last hour of memory as a sparkline: each instance's average
// RSS per minute, summed across the app's instances. Minutes the roller has
// rolled up are read from minute rollups (one row a minute, not one per
// sample: the overview's cost then follows the instances, not the sample
// rate); the rest, from the instance's newest rollup on, from raw samples
// through the (instance_id, ts) primary key, averaged the same way. RSS sits
// at a different position in each metric set: the positions are looked up
// once, as two arrays, rather than joined to every row. Means and sums go
// through finite-aggregates.ts: absurd but finite values must not fail them.
import type pg from 'pg';
import type { Sparkline } from '@memsight/contracts';
import { meanSql, saturatingAdd, saturatingSumSql, withTransaction } from '@memsight/db';
import type { InstanceOfApp } from './overview-instances';

const MINUTE_MS = 60_000;

const SPARKLINES = `
  WITH rss AS (
    SELECT array_agg(id) AS sets, array_agg(array_position(names, 'process.memory.rss')) AS at
      FROM metric_sets WHERE 'process.memory.rss' = ANY(names)
  ), progress AS (
    SELECT coalesce((SELECT received_until FROM rollup_progress WHERE resolution = '1m'), '-infinity') AS until
  )
  SELECT i.app_id AS "appId", date_part('epoch', b.t) * 1000 AS t, ${saturatingSumSql('b.v')} AS v
    FROM unnest($1::bigint[], $2::uuid[]) AS i(id, app_id)
    -- Rollups are trusted up to the roller's progress and the instance's newest minute (as series-plan does),
    -- floored to the minute, so no minute is read both ways.
    CROSS JOIN LATERAL (
      SELECT CASE WHEN $5::boolean THEN date_bin(interval '1 minute', greatest(to_timestamp($3 / 1000.0), least((SELECT until FROM progress),
               coalesce((SELECT max(r.bucket) FROM rollups_1m r WHERE r.instance_id = i.id AND r.bucket >= to_timestamp($3 / 1000.0)) + interval '1 minute', '-infinity'))), timestamptz 'epoch')
             ELSE to_timestamp($3 / 1000.0) END AS raw_from
    ) l
    CROSS JOIN LATERAL (
      SELECT r.bucket AS t, r."avg"[(SELECT at FROM rss)[array_position((SELECT sets FROM rss), r.metric_set_id)]] AS v
        FROM rollups_1m r
       WHERE $5::boolean AND r.instance_id = i.id AND r.bucket >= to_timestamp($3 / 1000.0) AND r.bucket < l.raw_from
      UNION ALL
      SELECT date_bin(make_interval(secs => $4 / 1000.0), s.ts, timestamptz 'epoch') AS t,
             ${meanSql('s.values[(SELECT at FROM rss)[array_position((SELECT sets FROM rss), s.metric_set_id)]]')} AS v
        FROM samples s
       WHERE s.instance_id = i.id AND s.ts >= l.raw_from
       GROUP BY 1
    ) b
   GROUP BY i.app_id, b.t
  -- Here, not as "b.v IS NOT NULL": pushed into the inner aggregate, that
  -- filter made PostgreSQL compute the average twice (its subplans defeat the
  -- sharing of identical aggregates). A count, not the sum: a sum of values near 1e308 overflowed (issue 14).
  HAVING count(b.v) > 0
`;

type BucketRow = { appId: string; t: number; v: number };

function bucketRows(pool: pg.Pool, instances: InstanceOfApp[], sinceMs: number, stepMs: number): Promise<BucketRow[]> {
  return withTransaction(pool, async (client) => {
    // The planner prices 500 index range scans like one big query and JIT-compiles
    // it, which took 0.5 s on the benchmark's fleet for a query that runs in a fifth of that.
    await client.query('SET LOCAL jit = off');
    // Minute rollups serve only minute buckets that start on the minute.
    const rollups = stepMs === MINUTE_MS && sinceMs % MINUTE_MS === 0;
    const { rows } = await client.query<BucketRow>(SPARKLINES, [instances.map((i) => i.id), instances.map((i) => i.appId), sinceMs, stepMs, rollups]);
    return rows;
  }, { begin: 'BEGIN READ ONLY' });
}

// One backend runs the query on one core: two halves of the fleet on two
// connections finish in about half the time. An app whose instances fall in
// both halves gets its buckets summed here.
const PARALLEL_QUERIES = 2;

export async function appRssSparklines(pool: pg.Pool, instances: InstanceOfApp[], sinceMs: number, stepMs: number): Promise<Map<string, Sparkline>> {
  const size = Math.ceil(instances.length / PARALLEL_QUERIES);
  const chunks = Array.from({ length: PARALLEL_QUERIES }, (_, n) => instances.slice(n * size, (n + 1) * size)).filter((c) => c.length > 0);
  const results = await Promise.all(chunks.map((chunk) => bucketRows(pool, chunk, sinceMs, stepMs)));
  const sums = new Map<string, Map<number, number>>();
  for (const r of results.flat()) {
    const buckets = sums.get(r.appId) ?? new Map<number, number>();
    sums.set(r.appId, buckets.set(r.t, saturatingAdd(buckets.get(r.t) ?? 0, r.v)));
  }
  const sparklines = new Map<string, Sparkline>();
  for (const [appId, buckets] of sums) {
    const t = [...buckets.keys()].sort((a, b) => a - b);
    sparklines.set(appId, { t, v: t.map((bucket) => buckets.get(bucket)!) });
  }
  return sparklines;
}
