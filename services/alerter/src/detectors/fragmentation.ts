// Fragmentation: memory an allocator holds but does not use, all through the
// last minSpan of the window. A healthy sawtooth's peaks use its memory well,
// so its ratio dips; what stays high is memory freed in a pattern the
// allocator cannot give back. Only worth an alert in a large process whose RSS is flat
// or falling: rising RSS is a leak's business.
import type { FragmentationParams } from '@memsight/contracts';
import { combine, envelope, extent, extentUsable, minDataSpanMs, readPoints, usable, windowLongEnough, windowStart, type Extent } from './envelope';
import { formatBytes, formatDuration, formatPercent } from './format';
import { analyseGrowth, RSS_GROWTH } from './growth';
import type { Detector, Points, SeriesView } from './types';

type Allocator = 'pymalloc' | 'glibc' | 'allocators' | 'v8-old' | 'v8';

interface Held {
  allocator: Allocator;
  metric: string;
  /** The lowest share held-but-unused over the window. */
  ratio: number;
  /** The least held-but-unused bytes over the window. */
  wastedBytes: number;
}

const NEXT_STEP: Record<Allocator, string> = {
  pymalloc:
    'pymalloc cannot return an arena while any object in it lives: long-lived and short-lived objects are interleaved in the same arenas; build long-lived structures at start-up or in one go, or recycle workers (max_requests).',
  glibc: 'glibc malloc keeps freed memory: call malloc_trim(0) after large batches, set MALLOC_ARENA_MAX=2 in threaded processes, or run with jemalloc.',
  allocators:
    'Freed memory stays with the allocators: for pymalloc, keep long-lived objects apart from short-lived ones; for glibc, malloc_trim(0), MALLOC_ARENA_MAX=2 or jemalloc.',
  'v8-old': "V8's old space kept its pages after a peak: usually transient (later GCs shrink it); if it persists, a heap snapshot shows what keeps the pages alive.",
  v8: "V8's heap kept its size after a peak: usually transient (later GCs shrink it); if it persists, a heap snapshot shows what keeps the pages alive.",
};

const LABEL: Record<Allocator, string> = { pymalloc: 'pymalloc arenas', glibc: 'glibc malloc', allocators: 'the allocators', 'v8-old': "V8's old space", v8: "V8's heap" };

/** Per-bucket ratio and size, joined; the window's lowest ratio and lowest held bytes. */
function lowest(allocator: Allocator, metric: string, ratio: Points, size: Points, minSpanMs: number, wasted = (r: number, s: number) => r * s): Held | undefined {
  const joined = combine(ratio, size, wasted);
  const n = joined.t.length;
  if (n < 3 || joined.t[n - 1]! - joined.t[0]! < minSpanMs) return undefined;
  let low = Infinity;
  for (const r of ratio.v) if (r < low) low = r;
  let least = Infinity;
  for (const w of joined.v) if (w < least) least = w;
  return { allocator, metric, ratio: low, wastedBytes: least };
}

/**
 * Each allocator's lowest unused share and least unused bytes from `from` on.
 * `seen`: some allocator had the data; one whose share cannot reach minRatio
 * (read from its range alone) is not joined up: most processes are there.
 */
function candidates(view: SeriesView, from: number, minSpanMs: number, p: FragmentationParams): { held: Held[]; seen: boolean } {
  const pts = (signal: string, agg: 'min' | 'max') => readPoints(view, signal, agg, from);
  const held: Held[] = [];
  let seen = false;
  const could = (signal: string, agg: 'min' | 'max', ratioOf: (x: Extent) => number) => {
    const x = extent(view, signal, agg, from);
    if (x.n < 3 || x.lastT - x.firstT < minSpanMs) return false;
    seen = true;
    return ratioOf(x) >= p.minRatio;
  };
  const add = (h: Held | undefined) => h && held.push(h);
  if (view.instance.runtime === 'cpython') {
    // The highest utilisation of each bucket is its lowest fragmentation.
    if (could('cpython.pymalloc.utilization', 'max', (x) => 1 - x.hi)) {
      const util = pts('cpython.pymalloc.utilization', 'max');
      add(lowest('pymalloc', 'cpython.pymalloc.utilization', { t: util.t, v: util.v.map((u) => 1 - u) }, pts('cpython.pymalloc.arena_bytes', 'min'), minSpanMs));
    }
    if (could('glibc.malloc.fragmentation', 'min', (x) => x.lo)) {
      add(lowest('glibc', 'glibc.malloc.fragmentation', pts('glibc.malloc.fragmentation', 'min'), pts('glibc.malloc.free', 'min'), minSpanMs, (_r, free) => free));
    }
    if (could('process.memory.breakdown{part=allocator_free}', 'min', (x) => (x.lo >= p.minWastedBytes ? 1 : 0))) {
      const free = pts('process.memory.breakdown{part=allocator_free}', 'min');
      const gap = combine(free, pts('process.memory.rss_anon', 'min'), (f, rss) => (rss > 0 ? f / rss : 0));
      add(lowest('allocators', 'process.memory.breakdown{part=allocator_free}', gap, free, minSpanMs, (_r, f) => f));
    }
  } else {
    if (could('v8js.memory.heap.fragmentation{space=old}', 'min', (x) => x.lo)) {
      add(lowest('v8-old', 'v8js.memory.heap.fragmentation{space=old}', pts('v8js.memory.heap.fragmentation{space=old}', 'min'), pts('v8js.memory.heap.space.size{space=old}', 'min'), minSpanMs));
    }
    if (could('v8js.memory.heap.fragmentation{space=all}', 'min', (x) => x.lo)) {
      add(lowest('v8', 'v8js.memory.heap.fragmentation{space=all}', pts('v8js.memory.heap.fragmentation{space=all}', 'min'), pts('nodejs.memory.heap_total', 'min'), minSpanMs));
    }
  }
  return { held, seen };
}

export const fragmentation: Detector<FragmentationParams> = (view, p) => {
  if (!windowLongEnough(view, p)) return undefined;
  const from = windowStart(view, p);
  const minSpanMs = minDataSpanMs(view, p);
  const rssName = view.instance.runtime === 'cpython' ? 'process.memory.rss_anon' : 'process.memory.rss';
  const rssRange = extent(view, rssName, 'min', from);
  if (!extentUsable(rssRange, view, p)) return undefined;
  const rssNow = rssRange.last;
  // "Stays high": over the last minSpan, not the whole window, whose start may still hold the moment before the free.
  const { held, seen } = candidates(view, Math.max(from, view.nowMs - p.minSpanSeconds * 1000), minSpanMs, p);
  if (!seen) return undefined;
  if (rssNow < p.minRssBytes) return null;
  // The allocator that holds the most, named specifically: the sums (both allocators, the whole V8 heap) only when no part alone qualifies.
  const qualifying = held.filter((h) => h.ratio >= p.minRatio && h.wastedBytes >= p.minWastedBytes);
  const specific = qualifying.filter((h) => h.allocator !== 'allocators' && h.allocator !== 'v8');
  let worst: Held | undefined;
  for (const h of specific.length ? specific : qualifying) if (!worst || h.wastedBytes > worst.wastedBytes) worst = h;
  if (!worst) return null;
  // Rising RSS is growth, not memory held after a free (asked last: it is the dearest test).
  const rss = envelope(view, rssName, 'min', from);
  if (usable(rss, view, p) && analyseGrowth(rss, RSS_GROWTH).growing) return null;
  const signals: Record<string, number> = { rssBytes: rssNow };
  for (const h of held) {
    signals[`${h.allocator} ratio`] = Math.round(h.ratio * 1000) / 1000;
    signals[`${h.allocator} wasted bytes`] = Math.round(h.wastedBytes);
  }
  return {
    summary: `${LABEL[worst.allocator]} hold ${formatBytes(worst.wastedBytes)} unused (${formatPercent(worst.ratio)} or more for ${formatDuration(p.minSpanSeconds)}) while RSS stays at ${formatBytes(rssNow)}`,
    metric: worst.metric,
    value: worst.ratio,
    evidence: {
      nextStep: NEXT_STEP[worst.allocator],
      where: 'allocator',
      metric: worst.metric,
      level: worst.wastedBytes,
      signals,
    },
  };
};
