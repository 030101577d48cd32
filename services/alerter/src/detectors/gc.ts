// GC: the collector itself is the problem. Four conditions, the worst reported:
// objects it cannot free (uncollectable, gc.garbage) still accumulating;
// automatic collection disabled while tracked containers pile up; pause time
// above a share of wall time; and storms of full collections. Rates come from
// counters, and must hold in both halves of the window: one slow collection
// or one burst is not a sustained problem. The agent's own probe adds at most
// one major GC per ~3 min, far below any storm threshold.
import type { GcParams } from '@memsight/contracts';
import { extent, increase, minDataSpanMs, readPoints, windowLongEnough, windowStart } from './envelope';
import { formatCount, formatDuration, formatPercent } from './format';
import type { Detector, Finding, Points, SeriesView } from './types';

type Check = Finding & { severityScore: number };

interface CounterRate {
  /** Increase per ms over the window, then over each half. */
  whole: number;
  first: number;
  second: number;
  total: number;
  secondIncrease: number;
  spanMs: number;
}

/**
 * A counter's per-bucket last values, timed where they were read: a closed
 * bucket's last sample is at its end (its middle is half a bucket earlier);
 * the open bucket's is anywhere in it, so it is left out.
 */
function counter(view: SeriesView, metric: string, from: number): Points {
  const p = readPoints(view, metric, 'last', from);
  const out: Points = { t: [], v: [] };
  for (let i = 0; i < p.t.length; i++) {
    const end = p.t[i]! + view.bucketMs / 2;
    if (end > view.latestTs + 1) continue;
    out.t.push(end);
    out.v.push(p.v[i]!);
  }
  return out;
}

/**
 * Whether a counter may have risen by `atLeast` per ms over the window, read
 * from its range alone (a counter's range is its increase): most never come
 * near, and need no more reading.
 */
function mayReach(view: SeriesView, metric: string, from: number, minSpanMs: number, perMs: number, atLeast = 0): boolean | undefined {
  const x = extent(view, metric, 'last', from);
  if (x.n < 3 || x.lastT - x.firstT < minSpanMs) return undefined;
  const rise = x.hi - x.lo;
  return rise >= atLeast && rise / (x.lastT - x.firstT + view.bucketMs) >= 0.8 * perMs;
}

/** A counter's rate over the window and over each half; undefined without enough span. */
function counterRate(p: Points, minSpanMs: number): CounterRate | undefined {
  const n = p.t.length;
  if (n < 3 || p.t[n - 1]! - p.t[0]! < minSpanMs) return undefined;
  const inc = increase(p).v;
  const mid = p.t[0]! + (p.t[n - 1]! - p.t[0]!) / 2;
  let m = 0;
  while (m < n - 1 && p.t[m + 1]! <= mid) m++;
  const rate = (a: number, b: number) => (p.t[b]! > p.t[a]! ? (inc[b]! - inc[a]!) / (p.t[b]! - p.t[a]!) : 0);
  return { whole: rate(0, n - 1), first: rate(0, m), second: rate(m, n - 1), total: inc[n - 1]!, secondIncrease: inc[n - 1]! - inc[m]!, spanMs: p.t[n - 1]! - p.t[0]! };
}

function sustained(r: CounterRate, limit: number): boolean {
  return r.whole >= limit && r.first >= limit && r.second >= limit;
}

function uncollectable(view: SeriesView, from: number, minSpanMs: number): Check | null | undefined {
  let seen = false;
  for (const [metric, label] of [
    ['cpython.gc.uncollectable_objects', 'uncollectable objects'],
    ['cpython.gc.garbage', 'objects in gc.garbage'],
  ] as const) {
    const may = mayReach(view, metric, from, minSpanMs, 0, 2);
    if (may === undefined) continue;
    seen = true;
    if (!may) continue;
    const r = counterRate(counter(view, metric, from), minSpanMs);
    if (!r) continue;
    seen = true;
    // Still accumulating: at least two more in the window, and more in its newer half.
    if (r.total < 2 || r.secondIncrease < 1) continue;
    const perHour = r.whole * 3_600_000;
    return {
      summary: `${label} keep accumulating: +${formatCount(r.total)} in ${formatDuration(r.spanMs / 1000)} (${formatCount(perHour)}/h)`,
      metric,
      value: perHour,
      severityScore: 2,
      evidence: {
        nextStep: 'The collector finds cycles it cannot free (objects with finalizers in cycles, or gc.DEBUG_SAVEALL): inspect gc.garbage for their types and break the cycles.',
        where: 'gc',
        metric,
        ratePerHour: perHour,
        level: view.latest(metric),
      },
    };
  }
  return seen ? null : undefined;
}

/** Disabled for the last minSpan (the window's first bucket may still hold the start, before the app called gc.disable()). */
function disabled(view: SeriesView, windowFrom: number, p: GcParams): Check | null | undefined {
  const from = Math.max(windowFrom, view.nowMs - p.minSpanSeconds * 1000);
  const on = extent(view, 'cpython.gc.enabled', 'max', from);
  if (on.n === 0) return undefined;
  if (on.hi > 0) return null; // enabled in some bucket: the usual case, nothing more to read
  const enabled = readPoints(view, 'cpython.gc.enabled', 'max', from);
  const lows = readPoints(view, 'cpython.gc.count{generation=0}', 'min', from);
  const highs = readPoints(view, 'cpython.gc.count{generation=0}', 'max', from);
  if (enabled.v.length === 0 || lows.v.length < 2) return undefined;
  if (enabled.v.some((e) => e > 0)) return null;
  // Growing: the newest bucket's lowest count is above the oldest bucket's highest.
  const latest = lows.v[lows.v.length - 1]!;
  if (latest < p.minContainerGrowth || !(latest > highs.v[0]!)) return null;
  const hours = (lows.t[lows.t.length - 1]! - lows.t[0]!) / 3_600_000;
  const perHour = hours > 0 ? (latest - lows.v[0]!) / hours : 0;
  return {
    summary: `automatic GC is disabled and ${formatCount(latest)} tracked containers piled up since the last collection (+${formatCount(perHour)}/h)`,
    metric: 'cpython.gc.count{generation=0}',
    value: latest,
    severityScore: 3,
    evidence: {
      nextStep: 'Automatic garbage collection is off (gc.disable()) and reference cycles pile up: re-enable it with gc.enable(), or call gc.collect() at regular points.',
      where: 'gc',
      metric: 'cpython.gc.count{generation=0}',
      level: latest,
      ratePerHour: perHour,
      signals: { 'cpython.gc.enabled': 0 },
    },
  };
}

function pauses(view: SeriesView, from: number, p: GcParams, minSpanMs: number): Check | null | undefined {
  const node = view.instance.runtime === 'node';
  let fraction: number | undefined;
  let metric: string;
  if (node) {
    metric = 'v8js.gc.time_fraction';
    const m = readPoints(view, metric, 'mean', from);
    const n = m.v.length;
    if (n < 3 || m.t[n - 1]! - m.t[0]! < minSpanMs) return undefined;
    const sorted = [...m.v].sort((a, b) => a - b);
    const mean = m.v.reduce((a, b) => a + b, 0) / n;
    // Sustained: the median bucket is over the limit too, not one long pause.
    fraction = Math.min(mean, sorted[n >> 1]!);
  } else {
    metric = 'cpython.gc.pause.total';
    const may = mayReach(view, metric, from, minSpanMs, p.maxPauseFraction / 1000);
    if (may !== true) return may === undefined ? undefined : null;
    const r = counterRate(counter(view, metric, from), minSpanMs);
    if (!r) return undefined;
    fraction = Math.min(r.whole, r.first, r.second) * 1000; // seconds of pause per ms of wall time → per second
  }
  if (fraction < p.maxPauseFraction) return null;
  const nextStep = node
    ? 'V8 spends this share of the time in GC: the heap is near its limit or allocation churn is high; raise --max-old-space-size or cut short-lived allocations on hot paths.'
    : 'Python spends this share of the time in GC: many container objects are allocated; gc.freeze() after start-up or raise the thresholds with gc.set_threshold().';
  return {
    summary: `GC pauses take ${formatPercent(fraction)} of wall time (over ${formatPercent(p.maxPauseFraction)}, sustained)`,
    metric,
    value: fraction,
    severityScore: fraction / p.maxPauseFraction,
    evidence: { nextStep, where: 'gc', metric, level: fraction },
  };
}

function storm(view: SeriesView, from: number, p: GcParams, minSpanMs: number): Check | null | undefined {
  const node = view.instance.runtime === 'node';
  const metric = node ? 'v8js.gc.pause.count{kind=major}' : 'cpython.gc.collections{generation=2}';
  const limit = p.maxFullCollectionsPerMinute / 60_000;
  const may = mayReach(view, metric, from, minSpanMs, limit);
  if (may !== true) return may === undefined ? undefined : null;
  const r = counterRate(counter(view, metric, from), minSpanMs);
  if (!r) return undefined;
  if (!sustained(r, limit)) return null;
  const perMinute = r.whole * 60_000;
  const nextStep = node
    ? 'Major GCs run back to back: the old generation is close to heap_size_limit; raise --max-old-space-size or find what fills the heap (a leak alert may say).'
    : 'Full collections run back to back: long-lived containers are created fast; gc.freeze() after start-up, or raise the generation-2 threshold with gc.set_threshold().';
  return {
    summary: `${formatCount(perMinute)} full collections per minute (over ${formatCount(p.maxFullCollectionsPerMinute)}, sustained)`,
    metric,
    value: perMinute,
    severityScore: perMinute / p.maxFullCollectionsPerMinute,
    evidence: { nextStep, where: 'gc', metric, ratePerHour: perMinute * 60, level: perMinute },
  };
}

export const gc: Detector<GcParams> = (view, p) => {
  if (!windowLongEnough(view, p)) return undefined;
  const from = windowStart(view, p);
  const minSpanMs = minDataSpanMs(view, p);
  const python = view.instance.runtime === 'cpython';
  const checks = [
    python ? uncollectable(view, from, minSpanMs) : undefined,
    python ? disabled(view, from, p) : undefined,
    pauses(view, from, p, minSpanMs),
    storm(view, from, p, minSpanMs),
  ];
  if (checks.every((c) => c === undefined)) return undefined;
  let worst: Check | undefined;
  for (const c of checks) if (c && (!worst || c.severityScore > worst.severityScore)) worst = c;
  if (!worst) return null;
  const { severityScore: _, ...finding } = worst;
  return finding;
};
