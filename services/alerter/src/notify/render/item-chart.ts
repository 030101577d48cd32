// Which items get a chart, what it shows, and the inline attachment it becomes.
import type { ChartAttachment, EmailItem } from './email-content';
import { type ChartSpec, FORECAST_REACH } from './chart-svg';
import { renderChartPng } from './chart-png';
import { evidenceUnit, forecastSentence } from './item-facts';
import { formatBytes, formatSigned, formatUtc } from './figures';
import { truncate } from './escape';

/** More charts make a long email and a heavy one; the dashboard link has the rest. */
export const MAX_CHARTS = 5;
export const CHART_WIDTH = 500;
export const CHART_HEIGHT = 180;

export interface ItemChart {
  attachment: ChartAttachment;
  alt: string;
  width: number;
  height: number;
}

/** The chart of an item with at least two points, or undefined. */
export function chartSpec(item: EmailItem): ChartSpec | undefined {
  const { series, trend, forecast } = item.evidence;
  if (!series || Math.min(series.t?.length ?? 0, series.v?.length ?? 0) < 2) return undefined;
  const range = timeRange(series.t);
  if (!range) return undefined;
  const { first, last } = range;
  const forecastMs = forecast ? Date.parse(forecast.at) : NaN;
  // A limit far beyond the data would flatten the line against the floor of the chart: show it only when the forecast is in reach.
  const limitInReach = forecast && Number.isFinite(forecastMs) && forecastMs - last <= FORECAST_REACH * Math.max(last - first, 60_000);
  return {
    series,
    trend,
    limit: limitInReach ? { value: forecast.limitBytes, label: `limit ${formatBytes(forecast.limitBytes)} (${truncate(forecast.limitName, 30)})` } : undefined,
    unit: evidenceUnit(item),
    title: `${item.evidence.metric ?? item.alert.metric ?? item.alert.kind} · instance ${item.alert.instanceId}`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  };
}

/** Charts for the first MAX_CHARTS items that have a series; the map is keyed by item index. */
export function itemCharts(items: EmailItem[]): Map<number, ItemChart> {
  const charts = new Map<number, ItemChart>();
  items.forEach((item, index) => {
    if (charts.size >= MAX_CHARTS) return;
    const spec = chartSpec(item);
    if (!spec) return;
    const png = chartPng(spec);
    if (!png) return;
    // The index keeps CIDs unique even if two alert ids clean up to the same characters.
    const id = `${index}-${item.alert.id.replace(/[^A-Za-z0-9.-]/g, '').slice(0, 40) || 'alert'}`;
    charts.set(index, {
      attachment: { cid: `chart-${id}@memsight`, filename: `chart-${id}.png`, content: png, contentType: 'image/png' },
      alt: chartAlt(item, spec),
      width: spec.width ?? CHART_WIDTH,
      height: spec.height ?? CHART_HEIGHT,
    });
  });
  return charts;
}

/** An email without its chart beats no email: a chart that fails to draw is left out, the figures still say it all. */
function chartPng(spec: ChartSpec): Buffer | undefined {
  try {
    return renderChartPng(spec);
  } catch {
    return undefined;
  }
}

/** What the chart shows, in words, for clients that block images and for screen readers. */
function chartAlt(item: EmailItem, spec: ChartSpec): string {
  const { series, rateBytesPerHour, forecast } = item.evidence;
  const range = timeRange(series?.t ?? []);
  const from = range ? formatUtc(new Date(range.first).toISOString()) : '';
  const to = range ? formatUtc(new Date(range.last).toISOString()) : '';
  const parts = [`Chart of ${spec.title} from ${from} to ${to}`];
  if (rateBytesPerHour !== undefined) parts.push(`trend ${formatSigned(rateBytesPerHour, formatBytes)}/h`);
  if (forecast && spec.limit) parts.push(forecastSentence(forecast));
  return parts.join('; ');
}

/** A loop, not Math.min(...t): a long series would overflow the argument stack. */
function timeRange(t: number[]): { first: number; last: number } | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const ms of t) {
    if (!Number.isFinite(ms)) continue;
    if (ms < first) first = ms;
    if (ms > last) last = ms;
  }
  return first <= last ? { first, last } : undefined;
}
