// The pieces of the synthetic programs both runtime models share: the spec,
// a seeded random source, and the live set over time (warm-up fill, steps,
// traffic wander, leaks, transient request memory).
import type { InstanceFacts } from './types';

export const MB = 2 ** 20;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const SAMPLE_MS = 10_000;
export const SLOW_MS = 60_000;

export interface LeakSpec {
  /** Offset from the program's start. */
  atMs: number;
  bytesPerHour: number;
  /** heap: live objects (in use, allocated blocks, the V8 floor); native: malloc/Buffers outside the object heap; contexts: V8 vm contexts kept alive. */
  kind: 'heap' | 'native' | 'contexts';
  stopAtMs?: number;
}

export interface ProgramSpec {
  runtime: 'cpython' | 'node';
  seed: number;
  /** Live heap at steady state. */
  heapBytes: number;
  durationMs: number;
  /** Garbage piled up between full collections (fraction of the heap) and the mean time between them. */
  sawtooth: { amplitude: number; periodMs: number };
  /** σ of transient live memory (requests in flight), as a fraction of the heap at 128 MB (it grows as √heap). */
  noise: number;
  /** Slow wander of the live set (traffic), fraction of the heap, and its time constant. */
  wander?: { amplitude: number; tauMs: number };
  /** A fill after each start (imports, caches, JIT): fraction of the heap, time constant. */
  warmup?: { fraction: number; tauMs: number };
  /** One-time steps of the live set (a deploy's bigger cache, a bigger batch). */
  steps?: { atMs: number; fraction: number; overMs: number }[];
  leak?: LeakSpec;
  /** Allocate `fraction` of the heap in small objects, then free every other one. */
  fragmentation?: { atMs: number; fraction: number };
  /** No samples in these intervals (offsets). */
  gaps?: { fromMs: number; toMs: number }[];
  restartEveryMs?: number;
  tracemalloc?: boolean;
  memoryLimitBytes?: number;
  /** Node: V8's heap_size_limit (default 4144 MB). */
  heapLimitBytes?: number;
  /** Node: the agent's forced major GC when none ran for 3 min (default on). */
  probe?: boolean;
  resources?: { fdsPerHour?: number; fdKind?: 'file' | 'socket' | 'pipe'; threadsPerHour?: number; warningsPerHour?: number; handlesPerHour?: number };
  gc?: { disabled?: boolean; pauseFraction?: number; fullPerMinute?: number; garbagePerHour?: number };
}

export interface Sample {
  ts: number;
  record: Record<string, number>;
}

export interface SyntheticInstance {
  facts: InstanceFacts;
  samples: Sample[];
}

/** mulberry32: small, fast, good enough for noise. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = (seed * 0x9e3779b1) >>> 0 || 1;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  gaussian(): number {
    const u = Math.max(1e-12, this.next());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(Math.max(1e-12, this.next()));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** What both runtime models share: the live set over time, before runtime-specific layout. */
export class LiveSet {
  private wander = 0;
  constructor(
    private readonly spec: ProgramSpec,
    private readonly rng: Random,
    /** Offset of this process's start within the program. */
    readonly startOffset: number,
  ) {}

  /** Live bytes at program offset `t` (ms), without the leak. */
  base(t: number): number {
    const s = this.spec;
    const age = t - this.startOffset;
    let live = s.heapBytes;
    if (s.warmup) live += s.warmup.fraction * s.heapBytes * (1 - Math.exp(-age / s.warmup.tauMs)) - s.warmup.fraction * s.heapBytes;
    for (const step of s.steps ?? []) {
      if (t > step.atMs) live += step.fraction * s.heapBytes * Math.min(1, (t - step.atMs) / Math.max(1, step.overMs));
    }
    if (s.wander) {
      const a = Math.exp(-SAMPLE_MS / s.wander.tauMs);
      this.wander = a * this.wander + Math.sqrt(1 - a * a) * this.rng.gaussian();
      live += s.wander.amplitude * s.heapBytes * this.wander;
    }
    return live;
  }

  /** Bytes leaked by offset `t` (the leak runs from its start, or this process's start if later, until it stops). */
  leaked(t: number, kind: LeakSpec['kind']): number {
    const leak = this.spec.leak;
    if (!leak || leak.kind !== kind) return 0;
    const from = Math.max(leak.atMs, this.startOffset);
    const to = Math.min(t, leak.stopAtMs ?? Infinity);
    return to > from ? (leak.bytesPerHour * (to - from)) / HOUR : 0;
  }

  /** Events at `perHour` over one sample, carried between samples so a low rate still shows. */
  private carry = new Map<string, number>();
  events(name: string, perHour: number): number {
    const c = (this.carry.get(name) ?? this.rng.next()) + (perHour * SAMPLE_MS) / HOUR;
    const n = Math.floor(c);
    this.carry.set(name, c - n);
    return n;
  }

  /** Transient request memory now: never negative. */
  transient(): number {
    return Math.abs(this.rng.gaussian()) * this.spec.noise * this.transientScale;
  }

  /**
   * What `noise` is a share of. In-flight memory follows traffic more than the
   * heap's size (a big heap is mostly cache), so it grows as the square root
   * of the heap, equal to the heap at 128 MB.
   */
  private get transientScale(): number {
    return Math.sqrt(this.spec.heapBytes * 128 * 2 ** 20);
  }
}

export interface RuntimeProcess {
  /** One tick's readings at program offset `t`. */
  tick(t: number, slow: boolean): Record<string, number>;
}

