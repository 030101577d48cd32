// The email chart as SVG, for resvg to turn into a PNG (email clients block
// SVG and run no script). A Grafana-like light panel: muted grid, one clear
// line, the detector's trend dashed, and when a limit is in reach, the trend
// carried on to where it meets the limit over a shaded "forecast" band.
import type { AlertEvidence } from '@memsight/contracts';
import { timeTicks, valueTicks } from './chart-scale';
import { escapeHtml, truncate } from './escape';

export interface ChartSpec {
  series: { t: number[]; v: number[] };
  trend?: AlertEvidence['trend'];
  limit?: { value: number; label: string };
  unit: string | null;
  title?: string;
  width?: number;
  height?: number;
}

const COLOURS = {
  background: '#ffffff',
  grid: '#e8e9ed',
  axisText: '#6c6f7d',
  title: '#24292e',
  series: '#3274d9',
  trend: '#ff9830',
  limit: '#e02f44',
  forecastBand: '#f4f5f8',
  now: '#c3c6cf',
};
const FONT = "'DejaVu Sans', sans-serif";
/** DejaVu Sans averages about 0.62 em per character in digits and lower case: enough to place labels without measuring. */
const EM = 0.62;
/** The trend is drawn on to the limit only when it meets it within this many times the data's own span; further out it would squash the data. */
export const FORECAST_REACH = 2;

interface Point {
  t: number;
  v: number;
}

export function chartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 500;
  const height = spec.height ?? 180;
  const points = finitePoints(spec.series);
  const first = points[0];
  const last = points[points.length - 1];

  const trendAt = (t: number) => (spec.trend ? spec.trend.intercept + spec.trend.slopePerMs * (t - spec.trend.fromMs) : NaN);
  const crossing = first && last ? limitCrossing(spec, first.t, last.t) : undefined;

  // Time domain: the data, carried on to the crossing; one point gets ten minutes around it.
  let t0 = first?.t ?? 0;
  let t1 = Math.max(last?.t ?? 1, crossing?.t ?? -Infinity);
  if (t1 - t0 <= 0) [t0, t1] = [t0 - 5 * 60_000, t0 + 5 * 60_000];
  if (crossing) t1 += (t1 - t0) * 0.03;

  // Value domain: the data, the trend at both ends, and the limit if it is drawn.
  const values = points.map((p) => p.v);
  if (spec.trend && first && last) values.push(trendAt(first.t), trendAt(crossing?.t ?? last.t));
  if (spec.limit && Number.isFinite(spec.limit.value)) values.push(spec.limit.value);
  const finiteValues = values.filter(Number.isFinite);
  let vMin = finiteValues.length ? Math.min(...finiteValues) : 0;
  let vMax = finiteValues.length ? Math.max(...finiteValues) : 1;
  if (vMax - vMin <= Math.abs(vMax) * 1e-9) {
    // A flat series: a band around it, so the line sits mid-panel and no scale divides by zero.
    const pad = Math.abs(vMax) * 0.1 || 1;
    vMin -= pad;
    vMax += pad;
  }
  const yAxis = valueTicks(vMin, vMax, spec.unit);
  const xTicks = timeTicks(t0, t1, Math.max(2, Math.floor(width / 100)));

  const longestLabel = Math.max(3, ...yAxis.ticks.map((k) => k.label.length));
  const plot = { left: Math.round(longestLabel * 10 * EM + 16), right: width - 16, top: 32, bottom: height - 24 };
  const x = (t: number) => plot.left + ((t - t0) / (t1 - t0)) * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - ((v - yAxis.min) / (yAxis.max - yAxis.min)) * (plot.bottom - plot.top);

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="${COLOURS.background}"/>`);
  if (crossing && last) {
    parts.push(`<rect x="${n(x(last.t))}" y="${plot.top}" width="${n(plot.right - x(last.t))}" height="${plot.bottom - plot.top}" fill="${COLOURS.forecastBand}"/>`);
    parts.push(text(plot.right - 4, plot.top + 11, 'forecast', { size: 9, anchor: 'end', fill: COLOURS.axisText }));
  }
  for (const tick of yAxis.ticks) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${n(y(tick.value))}" y2="${n(y(tick.value))}" stroke="${COLOURS.grid}" stroke-width="1"/>`);
    parts.push(text(plot.left - 6, y(tick.value) + 3.5, tick.label, { anchor: 'end' }));
  }
  for (const tick of xTicks) {
    parts.push(`<line x1="${n(x(tick.value))}" x2="${n(x(tick.value))}" y1="${plot.top}" y2="${plot.bottom}" stroke="${COLOURS.grid}" stroke-width="1" stroke-opacity="0.6"/>`);
    parts.push(text(x(tick.value), height - 8, tick.label, { anchor: 'middle' }));
  }
  parts.push(text(12, height - 8, 'UTC', { size: 9 }));

  parts.push(`<clipPath id="plot"><rect x="${plot.left}" y="${plot.top - 2}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top + 4}"/></clipPath>`);
  const clipped: string[] = [];
  const line = decimate(points, plot.right - plot.left).map((p) => `${n(x(p.t))},${n(y(p.v))}`);
  if (line.length >= 2) {
    const base = n(plot.bottom);
    clipped.push(`<path d="M${line[0]!.split(',')[0]},${base} L${line.join(' L')} L${line[line.length - 1]!.split(',')[0]},${base} Z" fill="url(#area)"/>`);
    clipped.push(`<polyline points="${line.join(' ')}" fill="none" stroke="${COLOURS.series}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round"/>`);
  } else if (line.length === 1) {
    const [px, py] = line[0]!.split(',');
    clipped.push(`<circle cx="${px}" cy="${py}" r="3" fill="${COLOURS.series}"/>`);
  }
  if (spec.trend && first && last) {
    const end = crossing?.t ?? last.t;
    clipped.push(`<line x1="${n(x(first.t))}" y1="${n(y(trendAt(first.t)))}" x2="${n(x(end))}" y2="${n(y(trendAt(end)))}" stroke="${COLOURS.trend}" stroke-width="1.75" stroke-dasharray="6 4"/>`);
  }
  if (spec.limit && Number.isFinite(spec.limit.value)) {
    const ly = y(spec.limit.value);
    clipped.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${n(ly)}" y2="${n(ly)}" stroke="${COLOURS.limit}" stroke-width="1.25" stroke-dasharray="2 2"/>`);
    // At the left, where a rising series is lowest; below the line when the line runs along the top.
    const labelY = ly - plot.top >= 14 ? ly - 4 : ly + 12;
    parts.push(text(plot.left + 6, labelY, truncate(spec.limit.label, 48), { fill: COLOURS.limit }));
  }
  if (crossing) clipped.push(`<circle cx="${n(x(crossing.t))}" cy="${n(y(crossing.v))}" r="3.5" fill="${COLOURS.limit}" stroke="#ffffff" stroke-width="1.5"/>`);
  if (last && crossing) {
    clipped.push(`<line x1="${n(x(last.t))}" x2="${n(x(last.t))}" y1="${plot.top}" y2="${plot.bottom}" stroke="${COLOURS.now}" stroke-width="1" stroke-dasharray="3 3"/>`);
  }
  if (!points.length) parts.push(text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, 'no data', { anchor: 'middle', size: 11 }));

  const legend = legendItems(spec, width);
  const titleRoom = legend.x - 12 - 12;
  if (spec.title) parts.push(text(12, 18, truncate(spec.title, Math.floor(titleRoom / (12 * 0.66))), { size: 12, weight: 600, fill: COLOURS.title }));

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<defs><linearGradient id="area" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${COLOURS.series}" stop-opacity="0.22"/><stop offset="1" stop-color="${COLOURS.series}" stop-opacity="0.02"/></linearGradient></defs>`,
    ...parts,
    `<g clip-path="url(#plot)">${clipped.join('')}</g>`,
    legend.svg,
    '</svg>',
  ].join('\n');
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
function decimate(points: Point[], columns: number): Point[] {
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

function legendItems(spec: ChartSpec, width: number): { svg: string; x: number } {
  const items: { label: string; colour: string; dash?: string }[] = [{ label: 'measured', colour: COLOURS.series }];
  if (spec.trend) items.push({ label: 'trend', colour: COLOURS.trend, dash: '4 3' });
  let x = width - 16;
  const svg: string[] = [];
  for (const item of items.reverse()) {
    x -= item.label.length * 10 * EM;
    svg.push(text(x, 18, item.label, { fill: COLOURS.axisText }));
    x -= 20;
    svg.push(`<line x1="${n(x)}" x2="${n(x + 14)}" y1="14.5" y2="14.5" stroke="${item.colour}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`);
    x -= 14;
  }
  return { svg: svg.join(''), x };
}

function text(x: number, y: number, content: string, o: { anchor?: 'start' | 'middle' | 'end'; size?: number; weight?: number; fill?: string } = {}): string {
  return `<text x="${n(x)}" y="${n(y)}" font-family="${FONT}" font-size="${o.size ?? 10}"${o.weight ? ` font-weight="${o.weight}"` : ''} fill="${o.fill ?? COLOURS.axisText}" text-anchor="${o.anchor ?? 'start'}">${escapeHtml(content)}</text>`;
}

function n(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0';
}
