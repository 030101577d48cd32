// What the detectors cost per instance and round: every default rule on
// instances holding a full two-hour window, a quarter of them leaking (the
// finding path is the dearer one). Used by benchmark.test.ts and
// scripts/accuracy.ts, which print the figure; nothing asserts on time.
import { SIMULATED_KINDS, type SimulatedKind } from './simulate';
import { healthySpec, leakCase } from './accuracy-suite';
import { defaults, HOUR, MB } from './sample-series';
import { DETECTORS } from './index';
import { InstanceSeries } from '../series/instance-series';
import { generate } from './synthetic';
import type { Detector, SeriesView } from './types';

export interface BenchmarkResult {
  instances: number;
  rounds: number;
  /** Mean µs per instance for all five default rules together, and per kind. */
  microsPerInstance: number;
  byKind: Record<SimulatedKind, number>;
}

/** `count` instances (half Python, half Node), each with two hours of samples; a fresh view of each per round, as the evaluator makes. */
export function benchmarkViews(count: number): (() => SeriesView)[] {
  const views: (() => SeriesView)[] = [];
  for (let i = 0; i < count; i++) {
    const runtime = i % 2 === 0 ? 'cpython' : 'node';
    const seed = Math.floor(i / 2);
    const spec = i % 8 >= 6 ? leakCase(runtime, 20 * MB, 128 * MB, seed, 2 * HOUR).spec : { ...healthySpec(runtime, seed), durationMs: 2.5 * HOUR };
    const [inst] = generate(spec, Date.UTC(2025, 0, 6));
    const series = new InstanceSeries(inst!.facts, 60_000, 120);
    for (const s of inst!.samples) series.addRecord(s.ts, s.record);
    const now = inst!.samples[inst!.samples.length - 1]!.ts + 1000;
    views.push(() => series.view(now));
  }
  return views;
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * Wall time per round, the median round: other suites share this machine's two
 * cores, and a round that lost its core would count the other work as ours.
 */
export function runBenchmark(instances: (() => SeriesView)[], rounds = 20): BenchmarkResult {
  const rules = SIMULATED_KINDS.map((kind) => ({ kind, detect: DETECTORS[kind] as Detector<unknown>, params: defaults(kind) }));
  for (const view of instances) for (const r of rules) r.detect(view(), r.params); // warm the JIT
  // Views are made outside the timed part (the evaluator makes them anyway), fresh each round: reads are not shared across rounds.
  const timed = (detect: (v: SeriesView) => void) => {
    const perRound: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const views = instances.map((view) => view());
      const began = performance.now();
      for (const v of views) detect(v);
      perRound.push(((performance.now() - began) * 1000) / instances.length);
    }
    return medianOf(perRound);
  };
  const together = timed((v) => {
    for (const r of rules) r.detect(v, r.params);
  });
  // Each alone on fresh views, so it pays for its own reads.
  const byKind = Object.fromEntries(rules.map((r) => [r.kind, timed((v) => r.detect(v, r.params))])) as Record<SimulatedKind, number>;
  return { instances: instances.length, rounds, microsPerInstance: together, byKind };
}

export function formatBenchmark(r: BenchmarkResult): string {
  const kinds = SIMULATED_KINDS.map((k) => `${k} ${r.byKind[k].toFixed(1)}`).join(', ');
  return `${r.microsPerInstance.toFixed(1)} µs per instance for all default rules together (median round) (alone: ${kinds}; ${r.instances} instances × ${r.rounds} rounds, full 2 h windows, a quarter of them leaking)`;
}
