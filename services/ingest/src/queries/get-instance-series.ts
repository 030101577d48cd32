// Per-metric series of one instance, read at the resolution the plan picked
// (series-plan.ts): raw samples, or minute or hour rollups, with the buckets
// the roller has not reached yet read from raw samples the same way.
// Samples and rollups hold every metric of a row in arrays; the metric's
// position comes from the row's metric set, looked up once per set (a handful
// per instance), and every metric is a column of the same scan. Columns are
// numbered here, so no name of a metric is ever spliced into the SQL.
import type pg from 'pg';
import { meanSql, RESOLUTION_MS, weightedMeanSql, type Resolution, type RollupProgress } from '@memsight/db';
import { markGaps, planSeries, withCompacted, type Aggregate, type SeriesPart, type SeriesPlan } from './series-plan';
import { readCompactedPart } from './read-compacted-part';

export interface SeriesQuery {
  instanceId: string;
  metrics: string[];
  fromMs: number;
  toMs: number;
  /** 0 = raw samples; otherwise the aggregate per bucket of this width (rounded up to whole rollup buckets). */
  stepMs: number;
  /** How a bucket's values become its point; the mean by default. */
  aggregate?: Aggregate;
}

export interface SeriesContext {
  nowMs: number;
  rawRetentionMs: number;
  /** The most points (rows × metrics) to read; past it, nothing is returned but `overLimit`. */
  maxPoints?: number;
}

export type SeriesResult = { plan: SeriesPlan; series: Map<string, [number, number | null][]>; overLimit: boolean };

/**
 * A part's row as PostgreSQL sends it (rowMode 'array'): its time, then per
 * metric k its value and whether the row's set has it, at 1 + 2k and 2 + 2k.
 * Arrays, not objects keyed v1, h1 …: a day's chart is 720 rows of 121
 * columns, and keyed rows cost most of its time in building and collecting them.
 */
export type SeriesRow = (number | boolean | null)[];

/** The SELECT list of one part: for each metric k, its value v<k> and whether the row's set has it, h<k>. */
function columns(part: SeriesPart, n: number, grouped: boolean, agg: Aggregate): string {
  const raw = part.source === 'samples';
  const col = (i: number) => {
    const p = `pos.p[${i}]`;
    if (!grouped) return `s.values[${p}] AS v${i}, ${p} IS NOT NULL AS h${i}`;
    const present = `count(${p}) > 0 AS h${i}`;
    if (raw) {
      const v = `s.values[${p}]`;
      // Means that cannot overflow (finite-aggregates.ts): a stored 1e308 made avg() fail the chart with a 500.
      const value = { avg: meanSql(v), min: `min(${v})`, max: `max(${v})`, last: `(array_agg(${v} ORDER BY s.ts DESC) FILTER (WHERE ${v} IS NOT NULL))[1]` }[agg];
      return `${value} AS v${i}, ${present}`;
    }
    const value = {
      avg: weightedMeanSql(`s."avg"[${p}]`, `s.n[${p}]`),
      min: `min(s."min"[${p}])`,
      max: `max(s."max"[${p}])`,
      last: `(array_agg(s."last"[${p}] ORDER BY s.bucket DESC) FILTER (WHERE s.n[${p}] > 0))[1]`,
    }[agg];
    return `${value} AS v${i}, ${present}`;
  };
  return Array.from({ length: n }, (_, i) => col(i + 1)).join(', ');
}

async function readPart(pool: pg.Pool, q: SeriesQuery, metrics: string[], part: SeriesPart, stepMs: number, rowLimit: number | null): Promise<SeriesRow[]> {
  const grouped = stepMs > 0;
  const ts = part.source === 'samples' ? 's.ts' : 's.bucket';
  const t = grouped ? `date_bin(make_interval(secs => $5 / 1000.0), ${ts}, timestamptz 'epoch')` : ts;
  const range = `s.instance_id = $1 AND ${ts} >= to_timestamp($3 / 1000.0) AND ${ts} < to_timestamp($4 / 1000.0)`;
  const { rows } = await pool.query<SeriesRow>({
    rowMode: 'array',
    text: `WITH pos AS MATERIALIZED (
       SELECT ms.id, ARRAY(SELECT array_position(ms.names, u.m) FROM unnest($2::text[]) WITH ORDINALITY AS u(m, k) ORDER BY u.k) AS p
         FROM metric_sets ms
        WHERE ms.id IN (SELECT DISTINCT metric_set_id FROM ${part.source} s WHERE ${range})
     )
     SELECT (extract(epoch FROM ${t}) * 1000)::float8 AS t, ${columns(part, metrics.length, grouped, q.aggregate ?? 'avg')}
       FROM ${part.source} s JOIN pos ON pos.id = s.metric_set_id
      WHERE ${range}
      ${grouped ? 'GROUP BY 1' : ''}
      ORDER BY 1
      LIMIT ${grouped ? '$6' : '$5'}`,
    values: grouped ? [q.instanceId, metrics, part.fromMs, part.toMs, stepMs, rowLimit] : [q.instanceId, metrics, part.fromMs, part.toMs, rowLimit],
  });
  return rows;
}

/**
 * How far this instance's rollups can be trusted, per resolution: no further than
 * the roller has read (batches received since may still change a bucket), and no
 * further than its newest rollup row (data the roller has not reached yet, such
 * as a backlog an agent just replayed, is read raw until it has).
 */
async function rolledUntil(pool: pg.Pool, instanceId: string, toMs: number): Promise<RollupProgress> {
  const { rows } = await pool.query<{ resolution: Resolution; ms: number }>(
    `SELECT p.resolution, least(extract(epoch FROM p.received_until) * 1000, extract(epoch FROM n.newest) * 1000 + $3 * (p.resolution = '1h')::int + $4 * (p.resolution = '1m')::int)::float8 AS ms
       FROM rollup_progress p
       CROSS JOIN LATERAL (SELECT CASE p.resolution
              WHEN '1m' THEN (SELECT max(bucket) FROM rollups_1m WHERE instance_id = $1 AND bucket < to_timestamp($2 / 1000.0))
              WHEN '1h' THEN (SELECT max(bucket) FROM rollups_1h WHERE instance_id = $1 AND bucket < to_timestamp($2 / 1000.0)) END AS newest) n
      WHERE n.newest IS NOT NULL`,
    [instanceId, toMs, RESOLUTION_MS['1h'], RESOLUTION_MS['1m']],
  );
  return Object.fromEntries(rows.map((r) => [r.resolution, Number(r.ms)]));
}

/** The time of this instance's newest compacted sample before `toMs`, if any day of it was compacted. */
async function compactedUntil(pool: pg.Pool, instanceId: string, toMs: number): Promise<number | undefined> {
  const { rows } = await pool.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM max(last_ts)) * 1000)::float8 AS ms FROM samples_compact WHERE instance_id = $1 AND hour < to_timestamp($2 / 1000.0)`,
    [instanceId, toMs],
  );
  return rows[0]!.ms ?? undefined;
}

export async function getInstanceSeries(pool: pg.Pool, q: SeriesQuery, ctx: SeriesContext): Promise<SeriesResult> {
  const metrics = [...new Set(q.metrics)];
  const series = new Map<string, [number, number | null][]>(metrics.map((m) => [m, []]));
  const [progress, compacted] = await Promise.all([rolledUntil(pool, q.instanceId, q.toMs), compactedUntil(pool, q.instanceId, q.toMs)]);
  const plan = withCompacted(planSeries(q, { ...ctx, progress }), compacted);
  if (metrics.length === 0) return { plan, series, overLimit: false };
  // A row carries a point per metric at most. Each part reads one row past the bound, so a read
  // that would pass it stops there (issue 14: 5 M points, 99 MB and 1.7 GB of ingest for one answer).
  const maxRows = ctx.maxPoints === undefined ? null : Math.floor(ctx.maxPoints / metrics.length);
  const rowLimit = maxRows === null ? null : maxRows + 1;
  // Parts are consecutive ranges, oldest first: their rows concatenate in time order.
  const parts = await Promise.all(
    plan.parts.map((part) =>
      part.source === 'compacted'
        ? readCompactedPart(pool, q.instanceId, metrics, part, plan.stepMs, q.aggregate ?? 'avg')
        : readPart(pool, q, metrics, part, plan.stepMs, rowLimit),
    ),
  );
  const rows = parts.flat();
  if (maxRows !== null && rows.length > maxRows) return { plan, series, overLimit: true };
  const lists = metrics.map((m) => series.get(m)!);
  for (const r of rows) {
    const t = Number(r[0]);
    for (let i = 0; i < lists.length; i++) {
      if (!r[2 + 2 * i]) continue; // the metric was not in this row's set: no point, rather than a gap
      const v = r[1 + 2 * i];
      lists[i]!.push([t, v === null ? null : Number(v)]);
    }
  }
  for (const [m, points] of series) series.set(m, markGaps(points, plan.stepMs));
  return { plan, series, overLimit: false };
}

/** Metric names this instance reported in the range: from its hour rollups, and raw (or compacted) samples from its newest hour rollup on. */
export async function listInstanceMetrics(pool: pg.Pool, instanceId: string, fromMs: number, toMs: number): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `WITH sets AS (
       SELECT DISTINCT metric_set_id FROM rollups_1h
        WHERE instance_id = $1 AND bucket >= date_trunc('hour', to_timestamp($2 / 1000.0)) AND bucket < to_timestamp($3 / 1000.0)
       UNION
       SELECT DISTINCT metric_set_id FROM samples_compact
        WHERE instance_id = $1 AND hour < to_timestamp($3 / 1000.0)
          AND hour >= greatest(to_timestamp($2 / 1000.0) - interval '1 hour',
                               coalesce((SELECT max(bucket) FROM rollups_1h WHERE instance_id = $1 AND bucket < to_timestamp($3 / 1000.0)), '-infinity'))
       UNION
       SELECT DISTINCT metric_set_id FROM samples
        WHERE instance_id = $1 AND ts < to_timestamp($3 / 1000.0)
          AND ts >= greatest(to_timestamp($2 / 1000.0),
                             coalesce((SELECT max(bucket) FROM rollups_1h WHERE instance_id = $1 AND bucket < to_timestamp($3 / 1000.0)), '-infinity'))
     )
     SELECT DISTINCT unnest(ms.names) AS name FROM metric_sets ms WHERE ms.id IN (SELECT metric_set_id FROM sets) ORDER BY 1`,
    [instanceId, fromMs, toMs],
  );
  return rows.map((r) => r.name);
}
