// GC pauses by kind from `gc` performance entries, and the heap's floor: the
// used heap right after each major (mark-sweep-compact) collection. A floor
// that keeps rising is a leak; a sawtooth whose floor is flat is a healthy
// heap, however tall its teeth.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

interface Pauses { count: number; total: number; max: number }

/** One major GC as the observer saw it: when its entry arrived (the observer's clock), its pause, and the used heap then. */
export interface MajorGc {
  atMs: number;
  pauseMs: number;
  /** Requested through gc() (ours or the host's): one atomic mark-compact, not the end of incremental marking. */
  forced: boolean;
  usedAfter: number;
}

export interface GcReading {
  /** Per kind: pauses in this interval (count, max) and since start (total seconds). */
  pauses: Record<string, Pauses>;
  /** The lowest used heap seen right after a major GC in this interval, if one ran. */
  usedAfterGc?: number;
  /** Fraction of wall time spent in GC over the interval. */
  timeFraction?: number;
}

export class GcObserver {
  private observer: PerformanceObserver | undefined;
  private readonly totals = new Map<string, { count: number; total: number }>();
  private interval = new Map<string, { count: number; max: number }>();
  private pausedMs = 0;
  private floor: number | undefined;
  private since: number;
  /** The latest major GC of any origin, and the latest forced one (whose pause predicts the next forced one's). */
  lastMajor: MajorGc | undefined;
  lastForced: MajorGc | undefined;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly usedHeap: () => number = () => v8.getHeapStatistics().used_heap_size,
  ) {
    this.since = now();
  }

  install(): void {
    if (this.observer) return;
    this.observer = new PerformanceObserver((list) => this.record(list.getEntries()));
    this.observer.observe({ entryTypes: ['gc'] });
  }

  uninstall(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  /** Entries are delivered in a batch soon after the collections: the heap read here is the floor plus what was allocated since. */
  record(entries: PerformanceEntry[]): void {
    let major: PerformanceEntry | undefined;
    let forced: PerformanceEntry | undefined;
    for (const e of entries) {
      const detail = (e as PerformanceEntry & { detail?: { kind?: number; flags?: number } }).detail;
      const kind = KINDS[detail?.kind ?? -1] ?? 'other';
      const total = this.totals.get(kind) ?? { count: 0, total: 0 };
      total.count += 1;
      total.total += e.duration / 1000;
      this.totals.set(kind, total);
      const now = this.interval.get(kind) ?? { count: 0, max: 0 };
      now.count += 1;
      now.max = Math.max(now.max, e.duration / 1000);
      this.interval.set(kind, now);
      this.pausedMs += e.duration;
      if (kind === 'major') {
        major = e;
        if ((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) forced = e;
      }
    }
    if (major) {
      const used = this.usedHeap();
      this.floor = this.floor === undefined ? used : Math.min(this.floor, used);
      const at = this.now();
      this.lastMajor = { atMs: at, pauseMs: major.duration, forced: major === forced, usedAfter: used };
      if (forced) this.lastForced = { atMs: at, pauseMs: forced.duration, forced: true, usedAfter: used };
    }
  }

  /** The interval's reading; starts the next interval. */
  take(): GcReading {
    const pauses: Record<string, Pauses> = {};
    for (const [kind, t] of this.totals) pauses[kind] = { count: t.count, total: t.total, max: this.interval.get(kind)?.max ?? 0 };
    const now = this.now();
    const reading: GcReading = { pauses };
    if (now > this.since) reading.timeFraction = Math.min(1, this.pausedMs / (now - this.since));
    if (this.floor !== undefined) reading.usedAfterGc = this.floor;
    this.interval = new Map();
    this.pausedMs = 0;
    this.floor = undefined;
    this.since = now;
    return reading;
  }
}
