// The app page's table: per instance, its newest RSS, fds, threads, GC pause
// fraction and worst fragmentation ratio, and the rate of its open leak alert.
import type pg from 'pg';
import { baseMetricName, type InstanceFigures } from '@memsight/contracts';
import { latestSamples, type LatestSample } from '../../queries/latest-samples';

const FRAGMENTATION = new Set(['glibc.malloc.fragmentation', 'v8js.memory.heap.fragmentation']);

/** Pure: the figures of one newest sample. */
export function figuresOf(values: LatestSample['values']): Omit<InstanceFigures, 'instanceId' | 'at' | 'growthBytesPerHour' | 'openAlerts'> {
  let fragmentation: number | null = null;
  let fdsByKind = 0;
  let anyKind = false;
  const worse = (v: number | null | undefined) => {
    if (typeof v === 'number' && Number.isFinite(v)) fragmentation = fragmentation === null ? v : Math.max(fragmentation, v);
  };
  for (const [name, v] of Object.entries(values)) {
    const base = baseMetricName(name);
    if (FRAGMENTATION.has(base)) worse(v);
    // pymalloc reports utilisation: the unused share is its fragmentation.
    if (base === 'cpython.pymalloc.utilization' && typeof v === 'number') worse(1 - v);
    if (base === 'process.open_fds' && name !== 'process.open_fds{kind=total}' && name !== base && typeof v === 'number') {
      fdsByKind += v;
      anyKind = true;
    }
  }
  const total = values['process.open_fds{kind=total}'] ?? values['process.open_fds'] ?? (anyKind ? fdsByKind : null);
  return {
    rssBytes: values['process.memory.rss'] ?? null,
    fragmentation,
    gcPauseFraction: values['v8js.gc.time_fraction'] ?? null,
    openFds: total,
    threads: values['process.threads'] ?? null,
  };
}

export async function getInstanceFigures(pool: pg.Pool, projectId: string, instanceIds: string[], nowMs: number): Promise<InstanceFigures[]> {
  const [latest, alerts] = await Promise.all([
    latestSamples(pool, instanceIds, nowMs - 3_600_000),
    pool.query<{ instanceId: string; open: number; leakRate: number | null }>(
      `SELECT instance_id::text AS "instanceId", count(*)::int AS open, max(value) FILTER (WHERE kind = 'leak') AS "leakRate"
         FROM alerts WHERE project_id = $1 AND instance_id = ANY($2::bigint[]) AND state <> 'resolved' GROUP BY 1`,
      [projectId, instanceIds],
    ),
  ]);
  const byId = new Map(latest.map((l) => [l.instanceId, l]));
  const alertsOf = new Map(alerts.rows.map((a) => [a.instanceId, a]));
  return instanceIds.map((id) => {
    const l = byId.get(id);
    const a = alertsOf.get(id);
    return {
      instanceId: id,
      at: l ? new Date(l.ts).toISOString() : null,
      ...(l ? figuresOf(l.values) : { rssBytes: null, fragmentation: null, gcPauseFraction: null, openFds: null, threads: null }),
      growthBytesPerHour: a?.leakRate ?? null,
      openAlerts: a?.open ?? 0,
    };
  });
}
