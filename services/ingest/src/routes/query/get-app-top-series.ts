// An app's combined chart: one metric (RSS unless asked) for its live
// instances with the largest newest values, in one answer rather than one
// request per instance.
import type pg from 'pg';
import { describeMetric, type AppTopSeries, type InstanceSummary } from '@memsight/contracts';
import { getInstanceSeries } from '../../queries/get-instance-series';
import { latestSamples } from '../../queries/latest-samples';

export async function getAppTopSeries(
  pool: pg.Pool,
  appId: string,
  instances: InstanceSummary[],
  q: { metric: string; limit: number; fromMs: number; toMs: number; stepMs: number; nowMs: number },
): Promise<AppTopSeries> {
  const live = instances.filter((i) => i.live);
  const newest = new Map((await latestSamples(pool, live.map((i) => i.id), q.nowMs - 3_600_000)).map((l) => [l.instanceId, l.values[q.metric] ?? null]));
  const top = live
    .filter((i) => typeof newest.get(i.id) === 'number')
    .sort((a, b) => newest.get(b.id)! - newest.get(a.id)!)
    .slice(0, q.limit);
  const series = await Promise.all(top.map((i) => getInstanceSeries(pool, { instanceId: i.id, metrics: [q.metric], fromMs: q.fromMs, toMs: q.toMs, stepMs: q.stepMs })));
  return {
    appId,
    metric: q.metric,
    unit: describeMetric(q.metric)?.unit ?? null,
    from: new Date(q.fromMs).toISOString(),
    to: new Date(q.toMs).toISOString(),
    stepMs: q.stepMs === 0 ? null : q.stepMs,
    instances: top.map((i, k) => ({ instanceId: i.id, host: i.host, pid: i.pid, points: series[k]!.get(q.metric) ?? [] })),
  };
}
