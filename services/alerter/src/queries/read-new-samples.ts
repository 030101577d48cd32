// The evaluator's incremental read: each instance's samples after its cursor
// (the newest timestamp it has taken in), one primary-key range scan per
// instance in a single statement. A round reads only what arrived since the
// last one, however long the history the detectors look at.
import type pg from 'pg';

export interface SampleRow {
  instanceId: string;
  ts: number;
  metricSetId: number;
  values: (number | null)[];
}

export interface InstanceCursor {
  instanceId: string;
  afterMs: number;
}

/** At most `perInstanceLimit` samples per instance, oldest first; the rest comes next round. */
export async function readNewSamples(db: pg.Pool | pg.ClientBase, cursors: InstanceCursor[], perInstanceLimit: number): Promise<SampleRow[]> {
  if (cursors.length === 0) return [];
  const { rows } = await db.query<{ instance_id: string; t: number; metric_set_id: number; values: (number | null)[] }>(
    `SELECT c.id::text AS instance_id, (extract(epoch FROM s.ts) * 1000)::float8 AS t, s.metric_set_id, s.values
       FROM unnest($1::bigint[], $2::float8[]) AS c(id, after_ms)
       CROSS JOIN LATERAL (
         SELECT ts, metric_set_id, values FROM samples
          WHERE instance_id = c.id AND ts > to_timestamp(c.after_ms / 1000.0)
          ORDER BY ts LIMIT $3
       ) s`,
    [cursors.map((c) => c.instanceId), cursors.map((c) => c.afterMs), perInstanceLimit],
  );
  return rows.map((r) => ({ instanceId: r.instance_id, ts: r.t, metricSetId: r.metric_set_id, values: r.values }));
}
