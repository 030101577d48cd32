// The part of a raw read that reaches into compacted days: the compacted
// blocks decoded, plus any raw rows in the same range (the day after the
// last compacted one), bucketed here the way the SQL of a raw read buckets
// (epoch-aligned, the same aggregates), into the same row shape.
import type pg from 'pg';
import { finiteMean, readCompactedRows, type StoredRow } from '@memsight/db';
import type { Aggregate, SeriesPart } from './series-plan';

import type { SeriesRow } from './get-instance-series';

async function rawRows(pool: pg.Pool, instanceId: string, part: SeriesPart): Promise<StoredRow[]> {
  const { rows } = await pool.query<{ ts: string; metric_set_id: number; values: (number | null)[] | null }>(
    `SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts, metric_set_id, values FROM samples
      WHERE instance_id = $1 AND ts >= to_timestamp($2 / 1000.0) AND ts < to_timestamp($3 / 1000.0) ORDER BY ts`,
    [instanceId, part.fromMs, part.toMs],
  );
  return rows.map((r) => ({ ts: Number(r.ts), metricSetId: r.metric_set_id, values: r.values ?? [] }));
}

const AGGREGATE: Record<Aggregate, (vs: number[]) => number> = {
  // The same bits as the SQL mean, and finite for values near 1e308 (a plain sum became Infinity).
  avg: finiteMean,
  min: (vs) => Math.min(...vs),
  max: (vs) => Math.max(...vs),
  last: (vs) => vs.at(-1)!,
};

export async function readCompactedPart(pool: pg.Pool, instanceId: string, metrics: string[], part: SeriesPart, stepMs: number, agg: Aggregate): Promise<SeriesRow[]> {
  const [compacted, raw] = await Promise.all([readCompactedRows(pool, instanceId, part.fromMs, part.toMs), rawRows(pool, instanceId, part)]);
  const stored = [...compacted, ...raw].sort((a, b) => a.ts - b.ts);
  const setIds = [...new Set(stored.map((r) => r.metricSetId))];
  const { rows: sets } = await pool.query<{ id: number; names: string[] }>('SELECT id, names FROM metric_sets WHERE id = ANY($1::int[])', [setIds]);
  const positions = new Map(sets.map((s) => [s.id, metrics.map((m) => s.names.indexOf(m))]));
  // Per bucket (or per sample, unbucketed) and metric: whether its set had it, and its values.
  const buckets = new Map<number, { has: boolean[]; values: number[][] }>();
  for (const r of stored) {
    const t = stepMs > 0 ? Math.floor(r.ts / stepMs) * stepMs : r.ts;
    const b = buckets.get(t) ?? { has: metrics.map(() => false), values: metrics.map(() => []) };
    positions.get(r.metricSetId)?.forEach((p, i) => {
      if (p < 0) return;
      b.has[i] = true;
      const v = r.values[p];
      if (v !== null && v !== undefined) b.values[i]!.push(v);
    });
    buckets.set(t, b);
  }
  return [...buckets].map(([t, b]) => {
    const row: SeriesRow = [t];
    metrics.forEach((_, i) => row.push(b.values[i]!.length ? AGGREGATE[agg](b.values[i]!) : null, b.has[i]!));
    return row;
  });
}
