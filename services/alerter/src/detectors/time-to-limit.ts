// Time to limit: when usage reaches a limit that ends the process, the cgroup
// limit (OOM kill), V8's heap_size_limit (heap out of memory) or a limit set
// on the rule for RSS. Processes die when their peaks reach the limit, so the
// forecast is the floor's trend plus the sawtooth's typical height above it;
// peaks already at the limit fire at once. Only a floor that ends in steady
// growth gets a forecast: a step or a flat series is no trend.
import type { TimeToLimitParams } from '@memsight/contracts';
import { envelope, evidenceSeries, usable, windowLongEnough, windowStart, type Envelope, readPoints } from './envelope';
import { formatBytes, formatDuration, isoTime } from './format';
import { analyseGrowth, growthSpanMs, trendOf, RSS_GROWTH, type Growth } from './growth';
import { quantile } from './robust-stats';
import type { Detector, Finding, SeriesView } from './types';

/** Peaks this close to the limit (share of it) are at the limit already. */
const AT_LIMIT_MARGIN = 0.03;
/** How far back "the peaks now" reach. */
const RECENT_MS = 5 * 60_000;
/** memory.current counts page cache, which the kernel reclaims before any OOM kill: the process's own RSS must be near the limit too. */
const CGROUP_RSS_SHARE = 0.8;
const CRITICAL_WITHIN_S = 3600;

interface Target {
  limitName: string;
  limitBytes: number;
  floorMetric: string;
  floor: Envelope;
  peaksMetric: string;
  nextStep: string;
}

function targets(view: SeriesView, p: TimeToLimitParams, from: number): Target[] {
  const out: Target[] = [];
  const cgroup = view.latest('container.memory.limit') ?? view.instance.memoryLimitBytes;
  if (cgroup) {
    out.push({
      limitName: 'container memory limit', limitBytes: cgroup, floorMetric: 'container.memory.usage', peaksMetric: 'container.memory.usage',
      floor: envelope(view, 'container.memory.usage', 'min', from),
      nextStep: 'The container will be OOM-killed when its memory reaches the limit: find what grows (a leak alert names it) or raise the limit.',
    });
  }
  const heap = view.latest('v8js.memory.heap.limit');
  if (heap) {
    out.push({
      limitName: 'V8 heap limit', limitBytes: heap, floorMetric: 'v8js.memory.heap.used_after_gc', peaksMetric: 'nodejs.memory.heap_used',
      floor: envelope(view, 'v8js.memory.heap.used_after_gc', 'min', from),
      nextStep: "The JS heap will reach V8's heap_size_limit and the process will die with 'JavaScript heap out of memory': find what grows, or raise --max-old-space-size.",
    });
  }
  if (p.limitBytes) {
    out.push({
      limitName: 'configured RSS limit', limitBytes: p.limitBytes, floorMetric: 'process.memory.rss', peaksMetric: 'process.memory.rss',
      floor: envelope(view, 'process.memory.rss', 'min', from),
      nextStep: "RSS approaches the limit set on this rule: find what grows (a leak alert names it), or raise the rule's limitBytes if the app needs this much.",
    });
  }
  return out;
}

function recentMax(view: SeriesView, metric: string): number {
  const peaks = readPoints(view, metric, 'max', view.nowMs - RECENT_MS);
  let top = -Infinity;
  for (const v of peaks.v) if (v > top) top = v;
  return top;
}

interface Forecast {
  target: Target;
  secondsToLimit: number;
  earliestS: number;
  latestS: number | null;
  growth?: Growth;
  amplitude: number;
  peak: number;
}

function forecast(view: SeriesView, p: TimeToLimitParams, from: number, t: Target): Forecast | null | undefined {
  const peak = recentMax(view, t.peaksMetric);
  const rssNearLimit = () => {
    if (t.floorMetric !== 'container.memory.usage') return true;
    const rss = recentMax(view, 'process.memory.rss');
    return rss === -Infinity || rss >= CGROUP_RSS_SHARE * t.limitBytes; // no RSS reading: memory.current is all there is
  };
  if (peak >= (1 - AT_LIMIT_MARGIN) * t.limitBytes && rssNearLimit()) return { target: t, secondsToLimit: 0, earliestS: 0, latestS: 0, amplitude: 0, peak };
  if (!usable(t.floor, view, p)) return undefined;
  const g = analyseGrowth(t.floor, { minConfidence: p.minConfidence, minRatePerHour: 0, minRelativeRatePerHour: 0, minIncrease: 0, resolution: 4096, intervalLevel: 0.95, minGrowthMs: growthSpanMs(p.minSpanSeconds) });
  if (!g.growing || !g.line) return null;
  if (t.floorMetric === 'container.memory.usage' && view.latest('process.memory.rss') !== undefined) {
    // Page cache grows memory.current too: the process's own RSS must rise with it.
    const rss = envelope(view, 'process.memory.rss', 'min', from);
    if (usable(rss, view, p) && !analyseGrowth(rss, { ...RSS_GROWTH, minConfidence: p.minConfidence, minRatePerHour: 0, minRelativeRatePerHour: 0 }).growing) return null;
  }
  const line = g.line;
  const floorAt = (ms: number) => line.intercept + line.slope * (ms - line.tRef);
  // The sawtooth's height above the floor: a high quantile, so one spike does not move the forecast.
  const peaks = readPoints(view, t.peaksMetric, 'max', line.tRef); // where the floor line holds
  const above = peaks.v.map((v, i) => v - floorAt(peaks.t[i]!));
  const amplitude = above.length ? Math.max(0, quantile(above, 0.9)) : 0;
  const headroom = t.limitBytes - amplitude - floorAt(view.nowMs);
  const secondsAt = (slopePerMs: number) => (headroom <= 0 ? 0 : slopePerMs > 0 ? headroom / slopePerMs / 1000 : Infinity);
  const secondsToLimit = secondsAt(line.slope);
  const latest = secondsAt(line.slopeLow);
  return {
    target: t,
    secondsToLimit,
    earliestS: secondsAt(Number.isFinite(line.slopeHigh) ? line.slopeHigh : line.slope),
    latestS: Number.isFinite(latest) ? latest : null,
    growth: g,
    amplitude,
    peak,
  };
}

export const timeToLimit: Detector<TimeToLimitParams> = (view, p) => {
  if (!windowLongEnough(view, p)) return undefined;
  const from = windowStart(view, p);
  const all = targets(view, p, from);
  if (all.length === 0) return null;
  let seen = false;
  let soonest: Forecast | undefined;
  for (const t of all) {
    const f = forecast(view, p, from, t);
    if (f !== undefined) seen = true;
    if (f && f.secondsToLimit <= p.horizonSeconds && (!soonest || f.secondsToLimit < soonest.secondsToLimit)) soonest = f;
  }
  if (!soonest) return seen ? null : undefined;
  return finding(view, soonest);
};

function finding(view: SeriesView, f: Forecast): Finding {
  const { target: t, growth: g } = f;
  const at = (s: number) => isoTime(view.nowMs + s * 1000);
  const limit = `${formatBytes(t.limitBytes)} ${t.limitName}`;
  const summary = g
    ? `${t.floorMetric} reaches the ${limit} in ${formatDuration(f.secondsToLimit)} (${formatDuration(f.earliestS)}–${f.latestS === null ? 'later' : formatDuration(f.latestS)}): floor +${formatBytes(g.ratePerHour)}/h, peaks ${formatBytes(f.amplitude)} above it`
    : `${t.peaksMetric} peaks at ${formatBytes(f.peak)}, within ${Math.round(AT_LIMIT_MARGIN * 100)}% of the ${limit}`;
  return {
    summary,
    metric: t.floorMetric,
    value: f.secondsToLimit,
    ...(f.secondsToLimit <= CRITICAL_WITHIN_S ? { severity: 'critical' as const } : {}),
    evidence: {
      nextStep: t.nextStep,
      metric: t.floorMetric,
      level: g ? g.level : f.peak,
      ...(g ? { rateBytesPerHour: g.ratePerHour, confidence: g.confidence, growthStartedAt: isoTime(g.startMs), series: evidenceSeries(t.floor), trend: trendOf(g) } : {}),
      forecast: { limitName: t.limitName, limitBytes: t.limitBytes, at: at(f.secondsToLimit), earliest: at(f.earliestS), latest: f.latestS === null ? null : at(f.latestS), secondsToLimit: f.secondsToLimit },
      signals: { amplitudeBytes: Math.round(f.amplitude), peakBytes: Math.round(f.peak) },
    },
  };
}
