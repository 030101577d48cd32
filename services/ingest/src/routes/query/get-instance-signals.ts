// An instance page's data in one answer: every metric the instance reported in
// the range, with its series. Saves the page a round trip (names, then
// series) that a loaded machine pays for twice over behind the dashboard's proxy.
import type pg from 'pg';
import { describeMetric, type SeriesResponse } from '@memsight/contracts';
import { getInstanceSeries, listInstanceMetrics, type SeriesContext } from '../../queries/get-instance-series';
import type { Aggregate } from '../../queries/series-plan';
import { tooManyPoints } from './answer-bounds';

/** More than any agent sends today; a runaway label set must not turn into a thousand-column scan. */
export const MAX_SIGNALS = 200;

type Range = { fromMs: number; toMs: number; stepMs: number; aggregate?: Aggregate };

export async function getInstanceSignals(pool: pg.Pool, instanceId: string, range: Range, ctx: SeriesContext): Promise<SeriesResponse> {
  const metrics = (await listInstanceMetrics(pool, instanceId, range.fromMs, range.toMs)).slice(0, MAX_SIGNALS);
  return readSeries(pool, instanceId, metrics, range, ctx);
}

/** The named series of an instance as the API answers them, in the order first asked (a repeated name once), each with its unit. */
export async function readSeries(pool: pg.Pool, instanceId: string, asked: string[], range: Range, ctx: SeriesContext): Promise<SeriesResponse> {
  // Once each: the same metric asked 50 times was read and sent 50 times.
  const metrics = [...new Set(asked)];
  const { plan, series, overLimit } = await getInstanceSeries(pool, { instanceId, metrics, ...range }, ctx);
  if (overLimit) throw tooManyPoints(ctx.maxPoints!, metrics.length, range.fromMs, range.toMs);
  return {
    instanceId,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    stepMs: plan.stepMs === 0 ? null : plan.stepMs,
    resolution: plan.resolution,
    aggregate: range.aggregate ?? 'avg',
    series: metrics.map((metric) => ({ metric, unit: describeMetric(metric)?.unit ?? null, points: series.get(metric) ?? [] })),
  };
}
