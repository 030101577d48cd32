// One instance's recent history, folded into fixed-width time buckets: the
// alerter's incremental state. Each new sample updates its bucket in O(signals);
// detectors read per-bucket aggregates, never raw samples, so a round costs the
// same whether the window holds ten minutes or two hours.
//
// Every signal of an instance shares one ring of bucket slots, and values are
// Float32 (24-bit mantissa: 1 KiB resolution at 16 GiB, far below any floor's
// noise), which keeps 10,000 instances × two hours in about 200 MB.
import type { Aggregate, InstanceFacts, Points, SeriesView } from '../detectors/types';
import { planSignals, type SignalPlan } from './tracked-signals';

interface SignalRing {
  min?: Float32Array;
  max?: Float32Array;
  last?: Float32Array;
  /** Sum for the mean; the count is in `count`. */
  mean?: Float32Array;
  count?: Uint16Array;
}

/** The newest sample of one metric list: the source of `latest()` for threshold rules. */
interface LatestRow {
  ts: number;
  index: ReadonlyMap<string, number>;
  values: ArrayLike<number | null>;
}

/** A metric list as the series needs it: positions by name, and how values feed the tracked signals. */
export interface MetricLayout {
  index: ReadonlyMap<string, number>;
  plans: SignalPlan[];
}

export function metricLayout(names: readonly string[]): MetricLayout {
  return { index: new Map(names.map((n, i) => [n, i])), plans: planSignals(names) };
}

export class InstanceSeries {
  private readonly bucketIds: Float64Array;
  private newestBucket = -Infinity;
  private readonly signals = new Map<string, SignalRing>();
  private readonly latestRows = new Map<MetricLayout, LatestRow>();
  private readonly layouts = new Map<string, MetricLayout>();
  /** Unix ms of the newest sample taken in: the evaluator reads only samples after it. */
  latestTs = -Infinity;

  constructor(
    public facts: InstanceFacts,
    readonly bucketMs: number,
    readonly capacity: number,
  ) {
    this.bucketIds = new Float64Array(capacity).fill(-1);
  }

  /** Takes in one sample. Samples older than the ring are dropped; within it, any order works except for `last`. */
  add(ts: number, layout: MetricLayout, values: ArrayLike<number | null>): void {
    const bucket = Math.floor(ts / this.bucketMs);
    if (bucket <= this.newestBucket - this.capacity) return;
    if (bucket > this.newestBucket) this.advanceTo(bucket);
    const slot = bucket % this.capacity;
    for (const plan of layout.plans) {
      let v = 0;
      let have = false;
      for (const p of plan.positions) {
        const x = values[p];
        if (x === null || x === undefined || !Number.isFinite(x)) continue;
        v += x;
        have = true;
      }
      if (have) this.record(plan, slot, v);
    }
    const latest = this.latestRows.get(layout);
    if (!latest) this.latestRows.set(layout, { ts, index: layout.index, values });
    else if (ts >= latest.ts) {
      latest.ts = ts;
      latest.values = values;
    }
    if (ts > this.latestTs) this.latestTs = ts;
  }

  /** For tests and synthetic series: a sample given as name → value. */
  addRecord(ts: number, record: Record<string, number | null>): void {
    const names = Object.keys(record);
    const key = names.join('\n');
    let layout = this.layouts.get(key);
    if (!layout) this.layouts.set(key, (layout = metricLayout(names)));
    this.add(ts, layout, Object.values(record));
  }

  private advanceTo(bucket: number): void {
    const first = Math.max(this.newestBucket + 1, bucket - this.capacity + 1);
    for (let b = first; b <= bucket; b++) {
      const slot = b % this.capacity;
      this.bucketIds[slot] = b;
      for (const ring of this.signals.values()) clearSlot(ring, slot);
    }
    this.newestBucket = bucket;
  }

  private record(plan: SignalPlan, slot: number, v: number): void {
    let ring = this.signals.get(plan.signal);
    if (!ring) this.signals.set(plan.signal, (ring = newRing(plan.aggs, this.capacity)));
    if (ring.min && !(ring.min[slot]! <= v)) ring.min[slot] = v;
    if (ring.max && !(ring.max[slot]! >= v)) ring.max[slot] = v;
    if (ring.last) ring.last[slot] = v;
    if (ring.mean && ring.count) {
      ring.mean[slot] = (ring.count[slot] ? ring.mean[slot]! : 0) + v;
      ring.count[slot] = Math.min(65535, ring.count[slot]! + 1);
    }
  }

  points(signal: string, agg: Aggregate, fromMs: number): Points {
    const out: Points = { t: [], v: [] };
    const ring = this.signals.get(signal);
    const values = ring?.[agg];
    if (!ring || !values) return out;
    const from = Math.max(this.newestBucket - this.capacity + 1, Math.floor(fromMs / this.bucketMs));
    for (let b = from; b <= this.newestBucket; b++) {
      const slot = b % this.capacity;
      if (this.bucketIds[slot] !== b) continue;
      let v = values[slot]!;
      if (agg === 'mean') v = ring.count![slot] ? v / ring.count![slot]! : NaN;
      if (Number.isNaN(v)) continue;
      out.t.push(b * this.bucketMs + this.bucketMs / 2);
      out.v.push(v);
    }
    return out;
  }

  names(prefix: string): string[] {
    return [...this.signals.keys()].filter((n) => n.startsWith(prefix));
  }

  latest(metric: string): number | undefined {
    let best: { ts: number; v: number } | undefined;
    for (const row of this.latestRows.values()) {
      const i = row.index.get(metric);
      const v = i === undefined ? null : row.values[i];
      if (v !== null && v !== undefined && Number.isFinite(v) && (!best || row.ts > best.ts)) best = { ts: row.ts, v };
    }
    return best?.v;
  }

  view(nowMs: number): SeriesView {
    return {
      nowMs,
      bucketMs: this.bucketMs,
      instance: this.facts,
      latestTs: this.latestTs,
      points: (signal, agg, fromMs) => this.points(signal, agg, fromMs),
      names: (prefix) => this.names(prefix),
      latest: (metric) => this.latest(metric),
    };
  }
}

function newRing(aggs: Aggregate[], capacity: number): SignalRing {
  const ring: SignalRing = {};
  for (const agg of aggs) ring[agg] = new Float32Array(capacity).fill(NaN);
  if (ring.mean) ring.count = new Uint16Array(capacity);
  return ring;
}

function clearSlot(ring: SignalRing, slot: number): void {
  if (ring.min) ring.min[slot] = NaN;
  if (ring.max) ring.max[slot] = NaN;
  if (ring.last) ring.last[slot] = NaN;
  if (ring.mean) ring.mean[slot] = NaN;
  if (ring.count) ring.count[slot] = 0;
}
