// The window a detector looks at, and a signal's envelope over it: per-bucket
// minima (the floor) or maxima (the peaks), folded into at most MAX_POINTS
// points so the O(n²) statistics stay bounded. Folding takes the minimum of
// adjacent buckets, which is also a better floor: a two-minute group misses
// the sawtooth's bottom less often than a one-minute bucket.
import type { Aggregate, Points, SeriesView } from './types';

export const MAX_POINTS = 60;

export interface WindowParams {
  windowSeconds: number;
  minSpanSeconds: number;
  warmupSeconds: number;
}

export interface Envelope {
  signal: string;
  t: Float64Array;
  v: Float64Array;
  n: number;
}

/** Oldest time the detector reads: the window, but nothing from the process's warm-up. */
export function windowStart(view: SeriesView, p: WindowParams): number {
  return Math.max(view.instance.startedAtMs + p.warmupSeconds * 1000, view.nowMs - p.windowSeconds * 1000);
}

/** Whether the window can hold `minSpanSeconds` of data at all (a young process cannot). */
export function windowLongEnough(view: SeriesView, p: WindowParams): boolean {
  return view.nowMs - windowStart(view, p) >= p.minSpanSeconds * 1000;
}

export function spanMs(e: Envelope): number {
  return e.n > 1 ? e.t[e.n - 1]! - e.t[0]! : 0;
}

/** An envelope with enough points and span to fit a trend, whose newest point is recent. */
export function usable(e: Envelope | undefined, view: SeriesView, p: WindowParams, minPoints = 6): e is Envelope {
  if (!e || e.n < minPoints || spanMs(e) < minDataSpanMs(view, p)) return false;
  return view.nowMs - e.t[e.n - 1]! <= staleAfterMs(view);
}

/** Least span of points for `minSpanSeconds`: points sit at bucket middles, so a window of exactly minSpan holds a bucket or two less. */
export function minDataSpanMs(view: SeriesView, p: WindowParams): number {
  const span = p.minSpanSeconds * 1000;
  return Math.max(span / 2, span - 2 * view.bucketMs);
}

/** A signal whose newest point is older than this says nothing about now (the agent stopped, or no major GC ran). */
export function staleAfterMs(view: SeriesView): number {
  return Math.max(10 * 60_000, 5 * view.bucketMs);
}

// The evaluator hands every rule of an instance the same view in a round, and
// the detectors read the same signals over overlapping windows: each signal's
// whole ring is read once per view and sliced. Keyed weakly by the view, so a
// round's reads go with its view; a view is a snapshot of one round.
const rings = new WeakMap<SeriesView, Map<string, Points>>();

/** A signal's whole ring for the view, and the index of its first point from `fromMs` on. */
function ringFrom(view: SeriesView, signal: string, agg: Aggregate, fromMs: number): { ring: Points; start: number } {
  let cache = rings.get(view);
  if (!cache) rings.set(view, (cache = new Map()));
  const key = signal + agg;
  let ring = cache.get(key);
  if (!ring) cache.set(key, (ring = view.points(signal, agg, -Infinity)));
  // points() keeps buckets from the one holding fromMs on; t is a bucket's middle.
  const first = Math.floor(fromMs / view.bucketMs) * view.bucketMs;
  let lo = 0;
  let hi = ring.t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ring.t[mid]! < first) lo = mid + 1;
    else hi = mid;
  }
  return { ring, start: lo };
}

/** `view.points(signal, agg, fromMs)`, read once per view and signal. */
export function readPoints(view: SeriesView, signal: string, agg: Aggregate, fromMs: number): Points {
  const { ring, start } = ringFrom(view, signal, agg, fromMs);
  return start === 0 ? ring : { t: ring.t.slice(start), v: ring.v.slice(start) };
}

export interface Extent {
  n: number;
  firstT: number;
  lastT: number;
  lo: number;
  hi: number;
  last: number;
}

/** A signal's range over the window, without building an envelope: flat counts are most of them, and need nothing more. */
export function extent(view: SeriesView, signal: string, agg: Aggregate, fromMs: number): Extent {
  const { ring, start } = ringFrom(view, signal, agg, fromMs);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < ring.v.length; i++) {
    const v = ring.v[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const n = ring.t.length - start;
  return { n, firstT: n ? ring.t[start]! : NaN, lastT: n ? ring.t[ring.t.length - 1]! : NaN, lo, hi, last: n ? ring.v[ring.v.length - 1]! : NaN };
}

/** Whether an extent has the data a verdict needs (as usable() asks of an envelope). */
export function extentUsable(x: Extent, view: SeriesView, p: WindowParams, minPoints = 6): boolean {
  return x.n >= minPoints && x.lastT - x.firstT >= minDataSpanMs(view, p) && view.nowMs - x.lastT <= staleAfterMs(view);
}

/** A signal's `agg` from `fromMs`, folded to at most `maxPoints` points. */
export function envelope(view: SeriesView, signal: string, agg: Aggregate, fromMs: number, maxPoints = MAX_POINTS): Envelope {
  const { ring, start } = ringFrom(view, signal, agg, fromMs);
  return fold(signal, ring, agg, groupMs(view, fromMs, maxPoints), start);
}

/** Group width for a window: whole buckets, as few as keep the window within `maxPoints`. */
export function groupMs(view: SeriesView, fromMs: number, maxPoints = MAX_POINTS): number {
  const buckets = Math.ceil((view.nowMs - fromMs) / view.bucketMs) + 1;
  return Math.max(1, Math.ceil(buckets / maxPoints)) * view.bucketMs;
}

/**
 * Folds per-bucket points into groups of `groupWidthMs`, aligned to absolute
 * time so a group holds the same buckets from one round to the next.
 * min/max keep the extreme's own time (a floor's time matters to its slope).
 */
export function fold(signal: string, p: Points, agg: Aggregate, groupWidthMs: number, start = 0): Envelope {
  // Count the groups first: the arrays are a third of the buckets' size in a two-hour window.
  let count = 0;
  let last = NaN;
  for (let i = start; i < p.t.length; i++) {
    const g = Math.floor(p.t[i]! / groupWidthMs);
    if (g !== last) {
      count++;
      last = g;
    }
  }
  const t = new Float64Array(count);
  const v = new Float64Array(count);
  let n = -1;
  let group = NaN;
  let members = 0;
  for (let i = start; i < p.t.length; i++) {
    const ti = p.t[i]!;
    const vi = p.v[i]!;
    const g = Math.floor(ti / groupWidthMs);
    if (g !== group) {
      if (agg === 'mean' && members > 1) v[n] = v[n]! / members;
      group = g;
      n++;
      t[n] = ti;
      v[n] = vi;
      members = 1;
      continue;
    }
    members++;
    if (agg === 'min' ? vi < v[n]! : agg === 'max' ? vi > v[n]! : agg === 'last') {
      t[n] = ti;
      v[n] = vi;
    } else if (agg === 'mean') v[n] = v[n]! + vi;
  }
  if (agg === 'mean' && members > 1) v[n] = v[n]! / members;
  n++;
  return { signal, t, v, n };
}

/** Two signals' per-bucket points combined where both have a bucket (e.g. RSS floor minus heap_total). */
export function combine(a: Points, b: Points, f: (x: number, y: number) => number): Points {
  const out: Points = { t: [], v: [] };
  let j = 0;
  for (let i = 0; i < a.t.length; i++) {
    while (j < b.t.length && b.t[j]! < a.t[i]!) j++;
    if (j < b.t.length && b.t[j] === a.t[i]) {
      out.t.push(a.t[i]!);
      out.v.push(f(a.v[i]!, b.v[j]!));
    }
  }
  return out;
}

/** A counter's cumulative increase (a drop is a reset: counting starts again from it). */
export function increase(p: Points): Points {
  const out: Points = { t: p.t.slice(), v: [] };
  let total = 0;
  for (let i = 0; i < p.v.length; i++) {
    if (i > 0) total += p.v[i]! >= p.v[i - 1]! ? p.v[i]! - p.v[i - 1]! : p.v[i]!;
    out.v.push(total); // packed, like the arrays points() returns (holey ones would deoptimise what reads both)
  }
  return out;
}

/** The envelope as evidence: at most `max` points, for the email's chart. */
export function evidenceSeries(e: Envelope, max = 60): { t: number[]; v: number[] } {
  const step = Math.max(1, Math.ceil(e.n / max));
  const t: number[] = [];
  const v: number[] = [];
  for (let i = e.n - 1; i >= 0; i -= step) {
    t.push(e.t[i]!);
    v.push(e.v[i]!);
  }
  return { t: t.reverse(), v: v.reverse() };
}
