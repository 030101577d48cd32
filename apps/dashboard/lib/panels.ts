// Which charts the instance page draws, from the metrics the instance has
// actually sent: each panel gathers the signals of one question (where did
// memory go, is the heap floor rising, is GC pausing, are allocators
// fragmented, do resources leak). Counters are drawn as rates per second, so
// a restart's reset is a gap and not a cliff. Pure, so it is tested on lists.
import { baseMetricName, describeMetric, type MetricDefinition } from '@memsight/contracts';

export type PanelUnit = 'bytes' | 'seconds' | 'ratio' | 'count' | 'per-second';

export interface PanelSpec {
  id: string;
  title: string;
  unit: PanelUnit;
  /** Draw the series stacked (each band is one part of the whole). */
  stacked?: boolean;
  metrics: string[];
}

interface PanelRule {
  id: string;
  title: string;
  unit: PanelUnit;
  stacked?: boolean;
  /** Base metric names, in drawing order. */
  bases: string[];
}

const RULES: PanelRule[] = [
  { id: 'memory', title: 'Memory: RSS and PSS against the limit', unit: 'bytes', bases: ['process.memory.rss', 'process.memory.pss', 'process.memory.uss', 'container.memory.usage', 'container.memory.limit'] },
  { id: 'heap', title: 'Heap: used, total and the floor after GC', unit: 'bytes', bases: ['nodejs.memory.heap_used', 'nodejs.memory.heap_total', 'v8js.memory.heap.used_after_gc', 'v8js.memory.heap.limit', 'cpython.pymalloc.used_bytes', 'cpython.pymalloc.arena_bytes', 'cpython.tracemalloc.current'] },
  { id: 'breakdown', title: 'Where RSS went', unit: 'bytes', stacked: true, bases: ['process.memory.breakdown', 'nodejs.memory.external', 'nodejs.memory.array_buffers'] },
  { id: 'v8-spaces', title: 'V8 heap spaces (used)', unit: 'bytes', bases: ['v8js.memory.heap.space.used'] },
  { id: 'allocators', title: 'Allocators: glibc malloc', unit: 'bytes', bases: ['glibc.malloc.in_use', 'glibc.malloc.free', 'glibc.malloc.releasable', 'glibc.malloc.mmap'] },
  { id: 'fragmentation', title: 'Fragmentation and allocator utilisation', unit: 'ratio', bases: ['cpython.pymalloc.utilization', 'glibc.malloc.fragmentation', 'v8js.memory.heap.fragmentation'] },
  { id: 'gc-pauses', title: 'GC pause time per second', unit: 'per-second', bases: ['cpython.gc.pause.total', 'v8js.gc.pause.total'] },
  { id: 'gc-collections', title: 'GC collections and objects per second', unit: 'per-second', bases: ['cpython.gc.collections', 'cpython.gc.collected_objects', 'v8js.gc.pause.count'] },
  { id: 'gc-state', title: 'GC: generation counts and uncollectable objects', unit: 'count', bases: ['cpython.gc.count', 'cpython.gc.uncollectable_objects', 'cpython.gc.garbage', 'v8js.contexts.native', 'v8js.contexts.detached'] },
  { id: 'resources', title: 'File descriptors, threads and handles', unit: 'count', bases: ['process.open_fds', 'process.threads', 'nodejs.active_resources'] },
  { id: 'event-loop', title: 'Event-loop delay', unit: 'seconds', bases: ['nodejs.eventloop.delay.p50', 'nodejs.eventloop.delay.p99', 'nodejs.eventloop.delay.max'] },
];

export function isCounter(metric: string): boolean {
  return describeMetric(metric)?.kind === 'counter';
}

/** The panels that have data, each with its metrics in the rule's order (attributes sorted within a base). */
export function panelsFor(available: string[]): PanelSpec[] {
  const byBase = new Map<string, string[]>();
  for (const m of available) {
    const base = baseMetricName(m);
    byBase.set(base, [...(byBase.get(base) ?? []), m]);
  }
  const panels: PanelSpec[] = [];
  for (const r of RULES) {
    const metrics = r.bases.flatMap((b) => (byBase.get(b) ?? []).sort());
    if (metrics.length) panels.push({ id: r.id, title: r.title, unit: r.unit, stacked: r.stacked, metrics });
  }
  return panels;
}

/** A counter's samples as its rate per second between samples; a drop (a restart) gives null. */
export function counterRate(points: [number, number | null][]): [number, number | null][] {
  return points.map(([t, v], i) => {
    if (i === 0) return [t, null];
    const [t0, v0] = points[i - 1]!;
    if (v === null || v0 === null || t <= t0 || v < v0) return [t, null];
    return [t, (v - v0) / ((t - t0) / 1000)];
  });
}

/** Stacked bands: each series becomes the running sum of itself and those before it. */
export function stack(values: (number | null)[][]): (number | null)[][] {
  const out: (number | null)[][] = [];
  values.forEach((vs, k) => out.push(vs.map((v, i) => (v === null ? null : v + (k > 0 ? (out[k - 1]![i] ?? 0) : 0)))));
  return out;
}

/** A series' legend label: the attributes when the panel holds one base, the short name otherwise. */
export function seriesLabel(metric: string, panel: PanelSpec): string {
  const bases = new Set(panel.metrics.map(baseMetricName));
  const attrs = /\{(.*)\}$/.exec(metric)?.[1];
  const base = baseMetricName(metric);
  const short = base.split('.').slice(-2).join('.');
  if (bases.size === 1 && attrs) return attrs.replace(/^[a-z_]+=/, '');
  return attrs ? `${short} ${attrs}` : short;
}

export type { MetricDefinition };
