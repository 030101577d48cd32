// Which wire metrics the alerter keeps per instance, and how it folds each
// bucket of samples: the minimum for floors (a sawtooth's floor is the leak
// signal, its peaks are noise), the maximum for peaks and "stays low" checks,
// the last value of counters (rates are differences between buckets), and the
// mean of ratios. Everything else is only kept as its latest value, for
// threshold rules.
import type { Aggregate } from '../detectors/types';

const MIN: Aggregate[] = ['min'];
const MIN_MAX: Aggregate[] = ['min', 'max'];
const LAST: Aggregate[] = ['last'];

/** Signal name → the aggregates kept for it. */
export const STATIC_SIGNALS: Record<string, Aggregate[]> = {
  // both runtimes
  'process.memory.rss': MIN_MAX,
  'process.memory.rss_anon': MIN,
  'container.memory.usage': MIN_MAX,
  'container.memory.limit': LAST,
  'process.max_fds': LAST,
  'process.threads': MIN_MAX,
  'memsight.agent.dropped_samples': LAST, // the agent's own loss (data-loss detector)
  // CPython allocators and heap
  'cpython.pymalloc.allocated_blocks': MIN,
  'cpython.pymalloc.used_bytes': MIN,
  'cpython.pymalloc.arena_bytes': MIN_MAX,
  'cpython.pymalloc.utilization': MIN_MAX,
  'cpython.tracemalloc.current': MIN,
  'process.memory.breakdown{part=in_use}': MIN,
  'process.memory.breakdown{part=allocator_free}': MIN,
  'process.memory.breakdown{part=other}': MIN,
  'glibc.malloc.in_use': MIN,
  'glibc.malloc.mmap': MIN,
  'glibc.malloc.free': MIN,
  'glibc.malloc.arena': MIN,
  'glibc.malloc.fragmentation': MIN,
  // CPython GC
  'cpython.gc.garbage': LAST,
  'cpython.gc.enabled': MIN_MAX,
  'cpython.gc.count{generation=0}': MIN_MAX,
  'cpython.gc.collections{generation=2}': LAST,
  'cpython.resource_warnings': LAST,
  // V8
  'v8js.memory.heap.used_after_gc': MIN,
  'nodejs.memory.heap_used': MIN_MAX,
  'nodejs.memory.heap_total': MIN_MAX,
  'nodejs.memory.external': MIN,
  'nodejs.memory.array_buffers': MIN,
  'v8js.memory.heap.limit': LAST,
  'v8js.contexts.native': MIN,
  'v8js.contexts.detached': MIN,
  'v8js.memory.heap.fragmentation{space=all}': MIN,
  'v8js.memory.heap.fragmentation{space=old}': MIN,
  'v8js.memory.heap.space.size{space=old}': MIN,
  'v8js.gc.time_fraction': ['mean'],
  'v8js.gc.pause.count{kind=major}': LAST,
};

/** Families whose attribute values are open-ended: each member is its own signal (a leak names the kind that grows). */
export const FAMILY_SIGNALS: { prefix: string; aggs: Aggregate[]; maxMembers: number }[] = [
  { prefix: 'process.open_fds{kind=', aggs: MIN, maxMembers: 8 },
  { prefix: 'nodejs.active_resources{type=', aggs: MIN, maxMembers: 16 },
];

/** Signals that sum several wire metrics (one per attribute value) into one. */
export const SUMMED_SIGNALS: { prefix: string; signal: string; aggs: Aggregate[] }[] = [
  { prefix: 'cpython.gc.pause.total{generation=', signal: 'cpython.gc.pause.total', aggs: LAST },
  { prefix: 'cpython.gc.uncollectable_objects{generation=', signal: 'cpython.gc.uncollectable_objects', aggs: LAST },
  { prefix: 'v8js.gc.pause.total{kind=', signal: 'v8js.gc.pause.total', aggs: LAST },
];

/** How one metric set's values feed the signals: for each signal, the value positions (summed when several). */
export interface SignalPlan {
  signal: string;
  aggs: Aggregate[];
  positions: number[];
}

/** Plans for a metric set (computed once per distinct metric list). */
export function planSignals(names: readonly string[]): SignalPlan[] {
  const plans = new Map<string, SignalPlan>();
  const familyCount = new Map<string, number>();
  names.forEach((name, position) => {
    const fixed = STATIC_SIGNALS[name];
    if (fixed) {
      plans.set(name, { signal: name, aggs: fixed, positions: [position] });
      return;
    }
    const family = FAMILY_SIGNALS.find((f) => name.startsWith(f.prefix));
    if (family) {
      const n = familyCount.get(family.prefix) ?? 0;
      if (n < family.maxMembers) plans.set(name, { signal: name, aggs: family.aggs, positions: [position] });
      familyCount.set(family.prefix, n + 1);
      return;
    }
    const summed = SUMMED_SIGNALS.find((s) => name.startsWith(s.prefix));
    if (summed) {
      const plan = plans.get(summed.signal) ?? { signal: summed.signal, aggs: summed.aggs, positions: [] };
      plan.positions.push(position);
      plans.set(summed.signal, plan);
    }
  });
  return [...plans.values()];
}
