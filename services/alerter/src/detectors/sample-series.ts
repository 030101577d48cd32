// Series for the detectors' tests, through the real bucketing: a sample
// function of time (or a synthetic program) fed to an InstanceSeries at the
// agents' 10 s pace, and the detector asked at each evaluation, as the
// evaluator would.
import { readFileSync } from 'node:fs';
import { checkRuleParams, type AlertKind, type RuleParams } from '@memsight/contracts';
import { InstanceSeries } from '../series/instance-series';
import { DETECTORS } from './index';
import { simulate, type SimulatedKind, type SimulateOptions, type Simulation } from './simulate';
import type { ProgramSpec, SyntheticInstance } from './synthetic';
import type { Detector, InstanceFacts, SeriesView, Verdict } from './types';

export const MB = 2 ** 20;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

/** One sample's metrics at `t` ms after the start; null: no sample (a gap). */
export type SampleAt = (t: number) => Record<string, number | null> | null;

export interface SeriesOptions {
  durationMs: number;
  stepMs?: number;
  runtime?: InstanceFacts['runtime'];
  /** Process start relative to T0 (default: T0 itself). */
  startedAtMs?: number;
  memoryLimitBytes?: number | null;
}

export interface Evaluation {
  /** ms after T0. */
  t: number;
  view: SeriesView;
  verdict: Verdict;
}

export function defaults<K extends AlertKind>(kind: K, overrides: Partial<RuleParams[K]> = {}): RuleParams[K] {
  const checked = checkRuleParams(kind, overrides);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.params;
}

/** Feeds the samples and asks `kind`'s detector every `everyMs` (default 30 s). */
export function evaluate<K extends AlertKind>(kind: K, sample: SampleAt, o: SeriesOptions, params: Partial<RuleParams[K]> = {}, everyMs = 30_000): Evaluation[] {
  const facts: InstanceFacts = { id: 'test', runtime: o.runtime ?? 'cpython', startedAtMs: T0 + (o.startedAtMs ?? 0), memoryLimitBytes: o.memoryLimitBytes ?? null };
  const series = new InstanceSeries(facts, 60_000, 120);
  const detector = DETECTORS[kind] as Detector<RuleParams[K]>;
  const p = defaults(kind, params);
  const step = o.stepMs ?? 10_000;
  const out: Evaluation[] = [];
  let next = 0;
  for (let t = 0; t <= o.durationMs; t += everyMs) {
    for (; next <= t; next += step) {
      const record = sample(next);
      if (record) series.addRecord(T0 + next, record);
    }
    if (series.latestTs === -Infinity) continue;
    const view = series.view(T0 + t);
    out.push({ t, view, verdict: detector(view, p) });
  }
  return out;
}

/** The last evaluation's verdict. */
export function finalVerdict(evals: Evaluation[]): Verdict {
  return evals[evals.length - 1]!.verdict;
}

/** Evaluations with a finding (after `fromMs`, ms after T0). */
export function findings(evals: Evaluation[], fromMs = 0): Evaluation[] {
  return evals.filter((e) => e.t >= fromMs && e.verdict);
}

/** A small deterministic noise source for hand-built series. */
export function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A synthetic program's verdicts for one kind, every 30 s, as simulate() runs them; and what fired. */
export function programEvaluations<K extends SimulatedKind>(kind: K, spec: ProgramSpec, params: Partial<RuleParams[K]> = {}): { evals: Evaluation[]; sim: Simulation } {
  const evals: Evaluation[] = [];
  const sim = simulate(spec, { startMs: T0, kinds: [kind], params: { [kind]: params } as SimulateOptions['params'], onVerdict: (_k, view, verdict) => evals.push({ t: view.nowMs - T0, view, verdict }) });
  return { evals, sim };
}

/** A quiet, realistic service to build test programs on (fixed noise so a test checks one mechanism at a time). */
export function quietService(runtime: ProgramSpec['runtime'], heapBytes: number, overrides: Partial<ProgramSpec> = {}): ProgramSpec {
  return {
    runtime,
    seed: 7,
    heapBytes,
    durationMs: 3 * HOUR,
    sawtooth: runtime === 'node' ? { amplitude: 0.5, periodMs: 2 * MINUTE } : { amplitude: 0.1, periodMs: 2 * MINUTE },
    noise: 0.002,
    wander: { amplitude: 0.0005, tauMs: 20 * MINUTE },
    warmup: { fraction: 0.2, tauMs: 60_000 },
    ...overrides,
  };
}

/** A recording of a real example app under its real agent (fixtures/*.json): tracked metrics, bytes in KiB, times as offsets. */
export interface Fixture {
  app: string;
  note: string;
  runtime: InstanceFacts['runtime'];
  startedAtOffsetMs: number;
  memoryLimitBytes: number | null;
  /** Metrics whose value never changed: sent with every sample. */
  constants: Record<string, number>;
  kibMetrics: string[];
  metrics: string[];
  /** [ms since the first sample, ...values in `metrics` order] */
  samples: (number | null)[][];
}

/** A fixture as one recorded instance starting at T0, and the time its recording ends. */
export function loadFixture(name: string): { fixture: Fixture; instance: SyntheticInstance; endMs: number } {
  const fixture = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
  const kib = new Set(fixture.kibMetrics);
  const scale = fixture.metrics.map((m) => (kib.has(m) ? 1024 : 1));
  const samples = fixture.samples.map(([offset, ...values]) => {
    const record: Record<string, number> = { ...fixture.constants };
    values.forEach((v, i) => {
      if (v !== null) record[fixture.metrics[i]!] = v * scale[i]!;
    });
    return { ts: T0 + offset!, record };
  });
  const facts: InstanceFacts = { id: fixture.app, runtime: fixture.runtime, startedAtMs: T0 + fixture.startedAtOffsetMs, memoryLimitBytes: fixture.memoryLimitBytes };
  return { fixture, instance: { facts, samples }, endMs: samples[samples.length - 1]!.ts + 1 };
}
