// A panel's series as uPlot wants them: one shared time axis (the union of the
// series' timestamps), counters as rates, stacked bands summed. Pure.
import type { PointsByMetric } from './merge-points';
import { counterRate, isCounter, seriesLabel, stack, type PanelSpec, type PanelUnit } from './panels';
import { formatBytes } from './format';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** A fitted line rather than readings: drawn dashed, across the gaps between its two ends. */
  dash?: number[];
  spanGaps?: boolean;
  /** The fitted line's slope per hour, for tests and titles. */
  trend?: number;
}

export interface ChartData {
  /** unix seconds */
  x: number[];
  series: ChartSeries[];
}

const PALETTE = ['#7a3cff', '#0e9384', '#dc6803', '#1570ef', '#c11574', '#4e5ba6', '#667085', '#ca8504', '#099250', '#d92d20'];

export function panelChart(panel: PanelSpec, points: PointsByMetric): ChartData {
  const perMetric = panel.metrics.map((m) => (isCounter(m) ? counterRate(points[m] ?? []) : (points[m] ?? [])));
  const times = [...new Set(perMetric.flatMap((ps) => ps.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  let values = perMetric.map((ps) => {
    const vs: (number | null)[] = new Array(times.length).fill(null);
    for (const [t, v] of ps) vs[index.get(t)!] = v;
    return vs;
  });
  if (panel.stacked) values = stack(values);
  return {
    x: times.map((t) => t / 1000),
    series: panel.metrics.map((m, i) => ({ label: seriesLabel(m, panel), color: PALETTE[i % PALETTE.length]!, values: values[i]! })),
  };
}

export function formatValue(unit: PanelUnit, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'seconds':
      return v < 1 ? `${(v * 1000).toFixed(v < 0.001 ? 2 : 1)} ms` : `${v.toFixed(2)} s`;
    case 'ratio':
      return `${(v * 100).toFixed(1)} %`;
    case 'per-second':
      return Math.abs(v) >= 100 ? `${v.toFixed(0)}/s` : `${v.toPrecision(3)}/s`;
    default:
      return Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v * 100) / 100);
  }
}
