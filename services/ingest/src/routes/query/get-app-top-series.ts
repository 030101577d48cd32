// An app's combined chart: one metric (RSS unless asked) for its live
// instances with the largest newest values, in one answer rather than one
// request per instance.
import type pg from 'pg';
import { describeMetric, type AppTopSeries, type InstanceSummary } from '@memsight/contracts';
import { getInstanceSeries, type SeriesContext } from '../../queries/get-instance-series';
import { planSeries } from '../../queries/series-plan';
import { latestSamples } from '../../queries/latest-samples';
import { tooManyPoints } from './answer-bounds';

export async function getAppTopSeries(
  pool: pg.Pool,
  appId: string,
  instances: InstanceSummary[],
  q: { metric: string; limit: number; fromMs: number; toMs: number; stepMs: number; nowMs: number },
  ctx: SeriesContext,
): Promise<AppTopSeries> {
  const live = instances.filter((i) => i.live);
  const newest = new Map((await latestSamples(pool, live.map((i) => i.id), q.nowMs - 3_600_000)).map((l) => [l.instanceId, l.values[q.metric] ?? null]));
  const top = live
    .filter((i) => typeof newest.get(i.id) === 'number')
    .sort((a, b) => newest.get(b.id)! - newest.get(a.id)!)
    .slice(0, q.limit);
  // The answer's bound is shared by its instances.
  const each = ctx.maxPoints === undefined || top.length === 0 ? ctx : { ...ctx, maxPoints: Math.floor(ctx.maxPoints / top.length) };
  const series = await Promise.all(top.map((i) => getInstanceSeries(pool, { instanceId: i.id, metrics: [q.metric], fromMs: q.fromMs, toMs: q.toMs, stepMs: q.stepMs }, each)));
  if (series.some((s) => s.overLimit)) throw tooManyPoints(ctx.maxPoints!, top.length, q.fromMs, q.toMs, 'instance');
  // Every instance shares one plan (the same range and progress); without instances, the plan the range would get.
  const plan = series[0]?.plan ?? planSeries(q, { ...ctx, progress: {} });
  return {
    appId,
    metric: q.metric,
    unit: describeMetric(q.metric)?.unit ?? null,
    from: new Date(q.fromMs).toISOString(),
    to: new Date(q.toMs).toISOString(),
    stepMs: plan.stepMs === 0 ? null : plan.stepMs,
    resolution: plan.resolution,
    instances: top.map((i, k) => ({ instanceId: i.id, host: i.host, pid: i.pid, points: series[k]!.series.get(q.metric) ?? [] })),
  };
}
