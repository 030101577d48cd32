// Lines a chart draws over its data: the fitted trend of a series (the heap's
// floor after GC), and RSS's forecast to the memory limit. A Theil–Sen fit
// (the median of pairwise slopes), so a GC sawtooth or one odd sample does not
// tilt the line the way least squares would. Pure.
import type { ChartData } from './chart-data';
import { formatBytes } from './format';

export interface Fit {
  /** value per second */
  slope: number;
  /** the fitted value at `t0` (unix seconds) */
  intercept: number;
  t0: number;
}

const MAX_FIT_POINTS = 160; // ~12,700 pairs: instant in a browser, and enough for a median

/** The Theil–Sen line through (x, v), on an even subsample; null with fewer than 3 readings or no time between them. */
export function fitLine(x: number[], v: (number | null)[]): Fit | null {
  const pts: [number, number][] = [];
  for (let i = 0; i < x.length; i++) if (v[i] !== null && v[i] !== undefined && Number.isFinite(v[i]!)) pts.push([x[i]!, v[i]!]);
  if (pts.length < 3) return null;
  const stride = Math.max(1, Math.ceil(pts.length / MAX_FIT_POINTS));
  const sample = pts.filter((_, i) => i % stride === 0);
  if (sample.at(-1) !== pts.at(-1)) sample.push(pts.at(-1)!);
  const slopes: number[] = [];
  for (let i = 0; i < sample.length; i++) {
    for (let j = i + 1; j < sample.length; j++) {
      const dt = sample[j]![0] - sample[i]![0];
      if (dt > 0) slopes.push((sample[j]![1] - sample[i]![1]) / dt);
    }
  }
  if (slopes.length === 0) return null;
  const slope = median(slopes);
  const t0 = sample[0]![0];
  const intercept = median(sample.map(([t, val]) => val - slope * (t - t0)));
  return { slope, intercept, t0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

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
