// Lines a chart draws over its data: the fitted trend of a series (the heap's
// floor after GC), and RSS's forecast to the memory limit, on the Theil–Sen
// fit the API uses too (@memsight/contracts trend-line). Pure.
import { fitLine, type Fit } from '@memsight/contracts';
import type { ChartData } from './chart-data';
import { formatBytes } from './format';

export { fitLine, type Fit };

export const valueAt = (fit: Fit, t: number) => fit.intercept + fit.slope * (t - fit.t0);

/** The time (unix seconds) the fitted line reaches `limit`; null if it never does going forward. */
export function crossing(fit: Fit, limit: number): number | null {
  if (fit.slope <= 0) return null;
  return fit.t0 + (limit - fit.intercept) / fit.slope;
}

/** Adds a trend series for `label`: the fitted line from the first to the last reading of it. */
export function withTrend(data: ChartData, label: string, trendLabel: string): ChartData {
  const k = data.series.findIndex((s) => s.label === label);
  if (k < 0) return data;
  const fit = fitLine(data.x, data.series[k]!.values);
  if (!fit) return data;
  const idx = data.series[k]!.values.flatMap((v, i) => (v === null ? [] : [i]));
  const values: (number | null)[] = data.x.map(() => null);
  values[idx[0]!] = valueAt(fit, data.x[idx[0]!]!);
  values[idx.at(-1)!] = valueAt(fit, data.x[idx.at(-1)!]!);
  const perHour = fit.slope * 3600;
  return { ...data, series: [...data.series, { label: `${trendLabel} (${signed(perHour)}/h)`, color: '#98a2b3', values, dash: [6, 4], spanGaps: true, trend: perHour }] };
}

export interface Forecast {
  /** unix seconds at which the line meets the limit; null when it does not rise */
  reachesAt: number | null;
  perHour: number;
}

/**
 * RSS's forecast: the line fitted over the shown readings, drawn from the last
 * one on to where it meets the limit, or `horizonSec` ahead (default: a third
 * of the readings' span) if that is sooner: the chart must stay about the data. Nothing is added when the line
 * does not rise or no limit is known.
 */
export function withForecast(data: ChartData, label: string, limit: number | null | undefined, horizonSec?: number): { data: ChartData; forecast: Forecast | null } {
  const k = data.series.findIndex((s) => s.label === label);
  if (k < 0 || !limit || data.x.length < 2) return { data, forecast: null };
  const fit = fitLine(data.x, data.series[k]!.values);
  if (!fit) return { data, forecast: null };
  const forecast = { reachesAt: crossing(fit, limit), perHour: fit.slope * 3600 };
  if (forecast.reachesAt === null) return { data, forecast };
  const last = data.x.at(-1)!;
  const end = Math.max(last + 1, Math.min(forecast.reachesAt, last + (horizonSec ?? (last - data.x[0]!) / 3)));
  const x = [...data.x, end];
  const series = data.series.map((s) => ({ ...s, values: [...s.values, null] }));
  const values: (number | null)[] = x.map(() => null);
  values[x.length - 2] = valueAt(fit, last);
  values[x.length - 1] = valueAt(fit, end);
  series.push({ label: 'forecast', color: '#d92d20', values, dash: [4, 4], spanGaps: true, trend: forecast.perHour });
  return { data: { x, series }, forecast };
}

function signed(bytes: number): string {
  return `${bytes < 0 ? '−' : '+'}${formatBytes(Math.abs(bytes))}`;
}
