// The heap floor on demand. Leak detection trends on the used heap right after
// a major GC, but a process doing only request work may run none for half an
// hour: the lower envelope of its heap_used then rises with promoted garbage
// about as fast as a slow leak does, and the two cannot be told apart. So when
// no major GC of any origin has happened within the probe interval, the agent
// requests one. Its `gc` entry reaches the GcObserver like any other, so the
// floor is recorded the usual way.
//
// `execution: 'async'` only moves the collection out of the caller's stack
// (the call returns in about 0.01 ms): the GC itself is one atomic
// mark-compact, and the event loop stalls for all of it. Its pause grows with
// the old generation, so each probe is preceded by an estimate, and skipped
// when that is over the bound.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { MajorGc } from './gc.js';

// A forced major GC's pause, measured on Node 20.20 (2 cores) over heaps of
// 3 MB to 1.5 GB of small objects: about 8 ms plus 1.1 ms per MB of old
// generation. Heaps of strings came out about twice that, of Maps 0.8 times,
// so the model is scaled by how the last forced GCs compared with it: by the
// median of the last three, the missing ones counting as the model, because a
// single probe on a busy machine took twice its usual time in the benchmark
// and, alone, would have stopped the probing of that heap for good.
export const PAUSE_FIXED_MS = 8;
export const PAUSE_MS_PER_MB = 1.1;
const SCALE_RANGE = [0.1, 20] as const;
const RATIOS_KEPT = 3;

export const pauseModelMs = (bytes: number) => PAUSE_FIXED_MS + PAUSE_MS_PER_MB * (bytes / 2 ** 20);

export type AsyncMajorGc = () => void;
export type GcLoad = { gc: AsyncMajorGc } | { unavailable: string; level: 'info' | 'warning' };

export type ProbeOutcome =
  | { kind: 'not-due' }
  | { kind: 'fired'; estimateMs: number }
  | { kind: 'over-bound'; estimateMs: number; oldGenerationBytes: number }
  | { kind: 'unavailable'; reason: string; level: 'info' | 'warning' };

export interface ProbeSettings {
  /** Seconds without a major GC before one is requested; 0 = off. */
  interval: number;
  /** Seconds a probe's estimated pause may take. */
  maxPause: number;
}

export class GcProbe {
  private lastAttemptMs: number;
  /** Observed pause / modelled pause of the latest forced GCs. */
  private ratios: number[] = [];
  private learnedFrom: MajorGc | undefined;
  private gc: AsyncMajorGc | undefined;
  private unavailable: ProbeOutcome | undefined;

  constructor(
    private readonly settings: ProbeSettings,
    private readonly now: () => number,
    private readonly load: () => GcLoad = loadAsyncMajorGc,
    private readonly oldGenerationBytes: () => number = readOldGenerationBytes,
  ) {
    this.lastAttemptMs = now(); // the first probe one interval after the start, not at it
  }

  /** The pause a forced major GC would take now: the model, scaled by the median of the last three forced GCs. */
  estimateMs(oldGenerationBytes: number): number {
    const ratios = [...this.ratios, ...Array<number>(RATIOS_KEPT - this.ratios.length).fill(1)].sort((a, b) => a - b);
    return ratios[RATIOS_KEPT >> 1]! * pauseModelMs(oldGenerationBytes);
  }

  /**
   * Called on every tick with the observer's latest major GC and latest forced
   * one: requests a GC when none of any origin ran for the interval and its
   * estimated pause is within the bound. A skipped probe waits a full interval.
   */
  tick(lastMajor: MajorGc | undefined, lastForced: MajorGc | undefined): ProbeOutcome {
    if (this.unavailable) return { kind: 'not-due' };
    if (lastForced && lastForced !== this.learnedFrom) {
      this.learnedFrom = lastForced;
      const ratio = lastForced.pauseMs / pauseModelMs(lastForced.usedAfter);
      this.ratios = [...this.ratios, Math.min(SCALE_RANGE[1], Math.max(SCALE_RANGE[0], ratio))].slice(-RATIOS_KEPT);
    }
    const now = this.now();
    const since = Math.max(this.lastAttemptMs, lastMajor?.atMs ?? -Infinity);
    if (!(this.settings.interval > 0) || now - since < this.settings.interval * 1000) return { kind: 'not-due' };
    this.lastAttemptMs = now;
    const oldGenerationBytes = this.oldGenerationBytes();
    const estimateMs = this.estimateMs(oldGenerationBytes);
    if (estimateMs > this.settings.maxPause * 1000) return { kind: 'over-bound', estimateMs, oldGenerationBytes };
    if (!this.gc) {
      const loaded = this.load();
      if ('unavailable' in loaded) return (this.unavailable = { kind: 'unavailable', reason: loaded.unavailable, level: loaded.level });
      this.gc = loaded.gc;
    }
    try {
      this.gc();
    } catch (err) {
      return (this.unavailable = { kind: 'unavailable', reason: `gc() threw: ${err}`, level: 'warning' });
    }
    return { kind: 'fired', estimateMs };
  }
}

/** Everything but the young generation: what a major GC has to mark (the young one is small, and mostly garbage). */
export function readOldGenerationBytes(spaces: () => v8.HeapSpaceInfo[] = v8.getHeapSpaceStatistics): number {
  let bytes = 0;
  for (const s of spaces()) if (!s.space_name.startsWith('new_')) bytes += s.space_used_size;
  return bytes;
}

/**
 * With --freeze-flags-after-init (or in an embedder that freezes V8's flags,
 * as Electron and NW.js do) v8.setFlagsFromString() is a fatal error, not an
 * exception: the process aborts. Node ≥ 20 leaves them unfrozen by default.
 */
export function v8FlagsFrozen(execArgv: readonly string[], versions: Readonly<Record<string, string | undefined>>): boolean {
  if (versions.electron || versions.nw) return true;
  let frozen = false;
  for (const arg of execArgv) {
    const m = /^--(no-)?freeze[-_]flags[-_]after[-_]init(?:=(.*))?$/.exec(arg);
    if (m) frozen = !m[1] && m[2] !== 'false';
  }
  return frozen;
}

export interface GcLoadSources {
  /** The host's own `gc`, when it runs with --expose-gc. */
  globalGc?: unknown;
  execArgv?: readonly string[];
  versions?: Readonly<Record<string, string | undefined>>;
  setFlags?: (flags: string) => void;
  /** Evaluates `gc` in a new context. */
  newContextGc?: () => unknown;
}

/**
 * The function behind `gc({ type: 'major', execution: 'async' })`, found once.
 * Without --expose-gc it comes from one new context created while the flag is
 * set (V8 installs `gc` only in contexts created then; the main context never
 * gets it). The flag is cleared at once, so the host's later vm contexts and
 * worker threads see no `gc` either. That context is kept alive by the
 * function: one more native context, for good.
 */
export function loadAsyncMajorGc(sources: GcLoadSources = {}): GcLoad {
  const {
    globalGc = (globalThis as { gc?: unknown }).gc, execArgv = process.execArgv, versions = process.versions,
    setFlags = v8.setFlagsFromString, newContextGc = () => vm.runInNewContext('gc'),
  } = sources;
  let gc = globalGc;
  if (typeof gc !== 'function') {
    if (v8FlagsFrozen(execArgv, versions)) return { unavailable: 'V8 flags are frozen in this runtime, so gc() cannot be exposed', level: 'info' };
    try {
      setFlags('--expose-gc');
      try {
        gc = newContextGc();
      } finally {
        setFlags('--no-expose-gc');
      }
    } catch (err) {
      return { unavailable: `could not expose gc(): ${err}`, level: 'warning' };
    }
    if (typeof gc !== 'function') return { unavailable: 'this runtime did not expose gc() with --expose-gc', level: 'warning' };
  }
  const fn = gc as (options: object) => unknown;
  const options = { type: 'major', execution: 'async' };
  return {
    gc: () => {
      // It answers a promise that settles after the collection; nothing waits for it.
      const done = fn(options) as Promise<unknown> | undefined;
      done?.then?.(undefined, () => {});
    },
  };
}
