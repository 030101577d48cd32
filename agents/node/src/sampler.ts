// Collector readings → wire metric names (the catalogue in
// packages/contracts/src/metric-catalogue.ts). Attributes go into the name:
// `v8js.gc.pause.count{kind=major}`. `cheap` runs every tick; `full` adds
// what is costlier or changes slowly, on the slow rounds.
import * as cgroup from './collectors/cgroup.js';
import * as proc from './collectors/proc.js';
import { readActiveResources } from './collectors/resources.js';
import { readV8Heap, type HeapSpace, type HeapStatistics } from './collectors/v8-heap.js';
import type { EventLoopMonitor } from './collectors/event-loop.js';
import type { GcObserver } from './collectors/gc.js';

/** Where collectors read from (tests point these at fixtures), and the stateful collectors. */
export interface Sources {
  procRoot: string;
  pid: string;
  cgroupRoot: string;
  gc?: GcObserver;
  eventLoop?: EventLoopMonitor;
  /** The cgroup usage file, found on the first tick ('' = none). */
  usageFile?: string;
  /** Slow rounds so far: PSS is read on every PSS_EVERY-th. */
  slowRounds?: number;
  /** What Node and V8 report about the heap; the process's own unless a test feeds fixed readings. */
  memoryUsage?: () => NodeJS.MemoryUsage;
  heapStatistics?: () => HeapStatistics;
  heapSpaces?: () => HeapSpace[];
}

export function cheap(src: Sources, full: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  const set = (name: string, v: number | undefined) => {
    if (v !== undefined) out[name] = v;
  };
  // Every tick reads what Node already holds (RSS, CPU, the heap) plus two
  // cheap kernel reads; /proc parsing waits for the slow rounds. At one tick
  // per 10 s the agent's code runs cold (interpreted, its bytecode flushed),
  // so each tick's work is kept small rather than fast.
  const m = (src.memoryUsage ?? process.memoryUsage)();
  const cpu = process.cpuUsage();
  out['process.memory.rss'] = m.rss;
  out['process.cpu.time'] = (cpu.user + cpu.system) / 1e6;
  set('process.open_fds{kind=total}', proc.countOpenFds(src.procRoot, src.pid));
  src.usageFile ??= cgroup.memoryUsageFile(src.procRoot, src.pid, src.cgroupRoot) ?? ''; // a process does not change cgroups
  set('container.memory.usage', cgroup.readUsage(src.usageFile || undefined));

  out['nodejs.memory.heap_total'] = m.heapTotal;
  out['nodejs.memory.heap_used'] = m.heapUsed;
  out['nodejs.memory.external'] = m.external;
  out['nodejs.memory.array_buffers'] = m.arrayBuffers;
  Object.assign(out, readV8Heap(src.heapStatistics, src.heapSpaces));

  if (src.gc) {
    const gc = src.gc.take();
    for (const [kind, p] of Object.entries(gc.pauses)) {
      out[`v8js.gc.pause.count{kind=${kind}}`] = p.count;
      out[`v8js.gc.pause.total{kind=${kind}}`] = p.total;
      out[`v8js.gc.pause.max{kind=${kind}}`] = p.max;
    }
    set('v8js.memory.heap.used_after_gc', gc.usedAfterGc);
    set('v8js.gc.time_fraction', gc.timeFraction);
  }
  if (src.eventLoop) Object.assign(out, src.eventLoop.take());
  Object.assign(out, readActiveResources());
  if (full) Object.assign(out, slow(src));
  return out;
}

// smaps_rollup makes the kernel walk every mapping: 0.6 ms in a Node process,
// more than the rest of a slow round. PSS moves slowly, so every fifth round.
const PSS_EVERY = 5;

function slow(src: Sources): Record<string, number> {
  const out: Record<string, number> = {};
  const status = proc.readStatus(src.procRoot, src.pid);
  for (const key of ['vms', 'peak_rss', 'swap', 'rss_anon', 'rss_file'] as const) if (status[key] !== undefined) out[`process.memory.${key}`] = status[key]!;
  if (status.threads !== undefined) out['process.threads'] = status.threads;
  if ((src.slowRounds = (src.slowRounds ?? 0) + 1) % PSS_EVERY === 1) {
    const rollup = proc.readSmapsRollup(src.procRoot, src.pid);
    if (rollup.pss !== undefined) out['process.memory.pss'] = rollup.pss;
    if (rollup.uss !== undefined) out['process.memory.uss'] = rollup.uss;
  }
  for (const [kind, n] of Object.entries(proc.readOpenFds(src.procRoot, src.pid))) out[`process.open_fds{kind=${kind}}`] = n;
  const maxFds = proc.readMaxFds(src.procRoot, src.pid);
  if (maxFds !== undefined) out['process.max_fds'] = maxFds;
  const cg = cgroup.readCgroupMemory(src.procRoot, src.pid, src.cgroupRoot);
  if (cg.usage !== undefined) out['container.memory.usage'] = cg.usage;
  const limit = cg.limit ?? constrainedMemory();
  if (limit !== undefined) out['container.memory.limit'] = limit;
  if (cg.oomKills !== undefined) out['container.memory.oom_kills'] = cg.oomKills;
  return out;
}

/** Node's own cgroup reading, where our /proc walk found none (it reports "no limit" as 0 or a huge number). */
function constrainedMemory(): number | undefined {
  const value = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return value && value > 0 && value < 2 ** 62 ? value : undefined;
}
