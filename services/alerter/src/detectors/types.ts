// What every detector sees and returns. A detector is a pure function of a
// SeriesView and its rule's params: no SQL, no clock (nowMs is handed in), so
// tests drive it with synthetic series through the same bucketing as production.
import type { AlertEvidence, Severity } from '@memsight/contracts';

/** Per-bucket aggregates of one signal, oldest first; buckets with no sample are left out. `t` is the bucket's middle (unix ms). */
export interface Points {
  t: number[];
  v: number[];
}

export type Aggregate = 'min' | 'max' | 'mean' | 'last';

export interface InstanceFacts {
  id: string;
  runtime: 'cpython' | 'node';
  /** The process's start (unix ms): warm-up is measured from here. */
  startedAtMs: number;
  /** What the agent reported as the process's memory limit (cgroup), if any. */
  memoryLimitBytes: number | null;
}

export interface SeriesView {
  nowMs: number;
  bucketMs: number;
  instance: InstanceFacts;
  /** Unix ms of the newest sample seen for this instance. */
  latestTs: number;
  /** A tracked signal's per-bucket `agg` from `fromMs` on (the current, still open bucket included). */
  points(signal: string, agg: Aggregate, fromMs: number): Points;
  /** Tracked signals whose names start with `prefix` (families with attributes: `process.open_fds{kind=`). */
  names(prefix: string): string[];
  /** The newest raw value of any wire metric, from the newest sample that has it. */
  latest(metric: string): number | undefined;
}

/** A condition that holds now. No finding means it does not hold; `undefined` from a detector means "cannot tell yet" (too little data). */
export interface Finding {
  summary: string;
  /** The metric the condition was seen on. */
  metric: string;
  /** The figure that crossed: bytes/hour for a leak, seconds to the limit, a ratio, a count. */
  value: number;
  evidence: AlertEvidence;
  /** Overrides the rule's severity (e.g. a limit minutes away). */
  severity?: Severity;
}

/** `null`: the condition does not hold. `undefined`: not enough data to say (an alert keeps its state). */
export type Verdict = Finding | null | undefined;

export type Detector<P> = (view: SeriesView, params: P) => Verdict;
