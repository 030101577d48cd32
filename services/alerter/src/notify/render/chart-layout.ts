// Where everything in the email chart goes: the time and value domains, the
// ticks, the plot box and the scales. Pure geometry, so a flat series, a single
// point or a trend racing to its limit are decided here and drawn by chart-svg.
import type { AlertEvidence } from '@memsight/contracts';
import { timeTicks, valueTicks, type Tick } from './chart-scale';

export interface ChartSpec {
  series: { t: number[]; v: number[] };
  trend?: AlertEvidence['trend'];
  limit?: { value: number; label: string };
  unit: string | null;
  title?: string;
  width?: number;
  height?: number;
}

export interface Point {
  t: number;
  v: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  /** Finite points in time order. */
  points: Point[];
  /** Where the trend meets the limit, when that is drawn. */
  crossing?: Point;
  trendAt: (t: number) => number;
  yTicks: Tick[];
  xTicks: Tick[];
  plot: { left: number; right: number; top: number; bottom: number };
  x: (t: number) => number;
  y: (v: number) => number;
}

/** The trend is drawn on to the limit only when it meets it within this many times the data's own span; further out it would squash the data. */
export const FORECAST_REACH = 2;
/** DejaVu Sans averages about 0.62 em per character in digits and lower case: enough to place labels without measuring. */
export const EM = 0.62;

export function chartLayout(spec: ChartSpec): ChartLayout {
  const width = spec.width ?? 500;
  const height = spec.height ?? 180;
  const points = finitePoints(spec.series);
  const first = points[0];
  const last = points[points.length - 1];
  const trend = spec.trend;
  const trendAt = (t: number) => (trend ? trend.intercept + trend.slopePerMs * (t - trend.fromMs) : NaN);
  const crossing = first && last ? limitCrossing(spec, first.t, last.t) : undefined;

  // Time: the data, carried on to the crossing; one point gets ten minutes around it.
  let t0 = first?.t ?? 0;
  let t1 = Math.max(last?.t ?? 1, crossing?.t ?? -Infinity);
  if (t1 - t0 <= 0) [t0, t1] = [t0 - 5 * 60_000, t0 + 5 * 60_000];
  if (crossing) t1 += (t1 - t0) * 0.03;

  // Values: the data, the trend at both ends, and the limit if it is drawn.
  const values = points.map((p) => p.v);
  if (trend && first && last) values.push(trendAt(first.t), trendAt(crossing?.t ?? last.t));
  if (spec.limit) values.push(spec.limit.value);
  const [vMin, vMax] = valueDomain(values);
  const yAxis = valueTicks(vMin, vMax, spec.unit);

  const longestLabel = Math.max(3, ...yAxis.ticks.map((k) => k.label.length));
  // At least 50 px, so the first time label clears the "UTC" under the value labels.
  const plot = { left: Math.max(50, Math.round(longestLabel * 10 * EM + 16)), right: width - 16, top: 32, bottom: height - 24 };
  return {
    width,
    height,
    points,
    crossing,
    trendAt,
    yTicks: yAxis.ticks,
    xTicks: timeTicks(t0, t1, Math.max(2, Math.floor(width / 100))),
    plot,
    x: (t) => plot.left + ((t - t0) / (t1 - t0)) * (plot.right - plot.left),
    y: (v) => plot.bottom - ((v - yAxis.min) / (yAxis.max - yAxis.min)) * (plot.bottom - plot.top),
  };
}

/** Where the trend meets the limit, if it does after the data ends and within FORECAST_REACH spans of it. */
export function limitCrossing(spec: Pick<ChartSpec, 'trend' | 'limit'>, firstT: number, lastT: number): Point | undefined {
  const { trend, limit } = spec;
  if (!trend || !limit || !(trend.slopePerMs > 0) || !Number.isFinite(limit.value)) return undefined;
  const t = trend.fromMs + (limit.value - trend.intercept) / trend.slopePerMs;
  const span = Math.max(lastT - firstT, 60_000);
  if (!(t > lastT) || t - lastT > FORECAST_REACH * span) return undefined;
  return { t, v: limit.value };
}

function valueDomain(values: number[]): [number, number] {
  // A loop, not Math.min(...values): a long series would overflow the argument stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return [0, 1];
  if (hi - lo <= Math.abs(hi) * 1e-9) {
    // A flat series: a band around it, so the line sits mid-panel and no scale divides by zero.
    const pad = Math.abs(hi) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

function finitePoints(series: ChartSpec['series']): Point[] {
  const count = Math.min(series.t?.length ?? 0, series.v?.length ?? 0);
  const points: Point[] = [];
  for (let i = 0; i < count; i++) {
    const t = series.t[i]!;
    const v = series.v[i]!;
    if (Number.isFinite(t) && Number.isFinite(v)) points.push({ t, v });
  }
  return points.sort((a, b) => a.t - b.t);
}

/** Past two points per pixel column a line shows nothing more: keep each column's lowest and highest, in time order. */
export function decimate(points: Point[], columns: number): Point[] {
  if (points.length <= columns * 2) return points;
  const t0 = points[0]!.t;
  const span = points[points.length - 1]!.t - t0 || 1;
  const kept: Point[] = [];
  let bucket: Point[] = [];
  let column = 0;
  const flush = () => {
    if (!bucket.length) return;
    const lo = bucket.reduce((a, b) => (b.v < a.v ? b : a));
    const hi = bucket.reduce((a, b) => (b.v > a.v ? b : a));
    kept.push(...(lo === hi ? [lo] : lo.t <= hi.t ? [lo, hi] : [hi, lo]));
    bucket = [];
  };
  for (const p of points) {
    const c = Math.min(columns - 1, Math.floor(((p.t - t0) / span) * columns));
    if (c !== column) flush();
    column = c;
    bucket.push(p);
  }
  flush();
  return kept;
}
