// An instance page's data in one answer: every metric the instance reported in
// the range, with its series. Saves the page a round trip (names, then
// series) that a loaded machine pays for twice over behind the dashboard's proxy.
import type pg from 'pg';
import { describeMetric, type SeriesResponse } from '@memsight/contracts';
import { getInstanceSeries, listInstanceMetrics } from '../../queries/get-instance-series';

/** More than any agent sends today; a runaway label set must not turn into a thousand-column scan. */
export const MAX_SIGNALS = 200;

type Range = { fromMs: number; toMs: number; stepMs: number };

export async function getInstanceSignals(pool: pg.Pool, instanceId: string, range: Range): Promise<SeriesResponse> {
  const metrics = (await listInstanceMetrics(pool, instanceId, range.fromMs, range.toMs)).slice(0, MAX_SIGNALS);
  return readSeries(pool, instanceId, metrics, range);
}

/** The named series of an instance as the API answers them, in the order asked, each with its unit. */
export async function readSeries(pool: pg.Pool, instanceId: string, metrics: string[], range: Range): Promise<SeriesResponse> {
  const series = await getInstanceSeries(pool, { instanceId, metrics, ...range });
  return {
    instanceId,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    stepMs: range.stepMs === 0 ? null : range.stepMs,
    series: metrics.map((metric) => ({ metric, unit: describeMetric(metric)?.unit ?? null, points: series.get(metric) ?? [] })),
  };
}
