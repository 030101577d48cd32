// The accuracy suite's programs and scoring, shared by accuracy.test.ts (a
// bounded run that asserts the goals) and scripts/accuracy.ts (the full table).
// Leaky programs are healthy programs plus a leak, drawn from the same ranges,
// so detection is measured under the same GC sawtooth and noise that the
// healthy families must never alert on.
import { fired, simulate, SIMULATED_KINDS, type SimulatedKind } from './simulate';
import { HOUR, MB, MINUTE, Random, type ProgramSpec } from './synthetic';

export type Runtime = ProgramSpec['runtime'];

export const HEALTHY_FAMILIES = ['healthy', 'healthy-noisy', 'warm-up', 'deploy-step', 'fragmentation', 'restarts', 'gaps'] as const;
export type HealthyFamily = (typeof HEALTHY_FAMILIES)[number];

const logUniform = (r: Random, lo: number, hi: number) => Math.exp(r.uniform(Math.log(lo), Math.log(hi)));

/** A healthy service: sawtooth, transient and wander noise, a warm-up fill. */
export function healthySpec(runtime: Runtime, seed: number, heapBytes?: number, noisy = false): ProgramSpec {
  const r = new Random(seed * 7919 + (runtime === 'node' ? 1 : 2));
  const node = runtime === 'node';
  return {
    runtime,
    seed,
    heapBytes: heapBytes ?? logUniform(r, 30 * MB, 1024 * MB),
    durationMs: 3 * HOUR,
    // V8 lets old space fill to about twice the live set; CPython's cycles are a smaller share.
    sawtooth: node ? { amplitude: r.uniform(0.1, 1), periodMs: r.uniform(0.3, 5) * MINUTE } : { amplitude: r.uniform(0.02, 0.3), periodMs: r.uniform(0.5, 10) * MINUTE },
    // Transient memory (requests in flight) is noise around the floor; the live set itself wanders little.
    noise: noisy ? r.uniform(0.004, 0.015) : r.uniform(0.0005, 0.004),
    wander: { amplitude: noisy ? r.uniform(0.0005, 0.0015) : r.uniform(0, 0.001), tauMs: r.uniform(5, 40) * MINUTE },
    warmup: { fraction: r.uniform(0, 0.3), tauMs: r.uniform(20, 150) * 1000 },
    tracemalloc: !node && r.next() < 0.25,
    probe: !node || r.next() < 0.8,
  };
}

/** A healthy family's program (seeded). */
export function familySpec(family: HealthyFamily, runtime: Runtime, seed: number): ProgramSpec {
  const r = new Random(seed * 104729 + family.length);
  const base = healthySpec(runtime, seed, undefined, family === 'healthy-noisy');
  switch (family) {
    case 'healthy':
    case 'healthy-noisy':
      return base;
    case 'warm-up':
      // Caches and pools filling after start: up to the heap's own size again, over minutes.
      return { ...base, warmup: { fraction: r.uniform(0.2, 1), tauMs: r.uniform(0.5, 4) * MINUTE }, restartEveryMs: r.uniform(40, 90) * MINUTE };
    case 'deploy-step': {
      const steps = [{ atMs: r.uniform(30, 100) * MINUTE, fraction: r.uniform(0.1, 0.6), overMs: r.uniform(0, 3) * MINUTE }];
      if (r.next() < 0.5) steps.push({ atMs: r.uniform(110, 160) * MINUTE, fraction: r.uniform(0.1, 0.4), overMs: r.uniform(0, 3) * MINUTE });
      return { ...base, steps };
    }
    case 'fragmentation': {
      if (runtime === 'cpython') return { ...base, fragmentation: { atMs: r.uniform(20, 90) * MINUTE, fraction: r.uniform(2, 6) } };
      // V8: a peak's worth of live objects comes and goes; old space keeps its pages for a while.
      const peak = r.uniform(0.5, 1.5);
      const at = r.uniform(20, 60) * MINUTE;
      return { ...base, steps: [{ atMs: at, fraction: peak, overMs: 2 * MINUTE }, { atMs: at + r.uniform(10, 30) * MINUTE, fraction: -peak, overMs: 0 }] };
    }
    case 'restarts':
      return { ...base, restartEveryMs: r.uniform(15, 45) * MINUTE, warmup: { fraction: r.uniform(0.1, 0.6), tauMs: r.uniform(0.3, 3) * MINUTE } };
    case 'gaps': {
      const at = r.uniform(40, 120) * MINUTE;
      return { ...base, gaps: [{ fromMs: at, toMs: at + 20 * MINUTE }] };
    }
  }
}

export interface LeakCase {
  runtime: Runtime;
  rateBytesPerHour: number;
  heapBytes: number;
  seed: number;
  spec: ProgramSpec;
  leakStartMs: number;
}

/** A leak on top of a healthy program: from process start for half the seeds, mid-run for the rest. */
export function leakCase(runtime: Runtime, rateBytesPerHour: number, heapBytes: number, seed: number, followMs = 2 * HOUR): LeakCase {
  const r = new Random(seed * 15485863 + Math.round(rateBytesPerHour / MB) + Math.round(heapBytes / MB));
  const base = healthySpec(runtime, seed, heapBytes);
  const atMs = seed % 2 === 0 ? 0 : r.uniform(40, 90) * MINUTE;
  const kind = seed % 3 === 2 ? 'native' : 'heap';
  return { runtime, rateBytesPerHour, heapBytes, seed, leakStartMs: atMs, spec: { ...base, durationMs: atMs + followMs, leak: { atMs, bytesPerHour: rateBytesPerHour, kind } } };
}

export interface LeakResult {
  c: LeakCase;
  /** Minutes from the leak's start to the leak alert firing; null if it never fired. */
  detectMinutes: number | null;
  /** Leak alerts that fired before the leak began. */
  early: number;
  detectorMs: number;
  evaluations: number;
  summary?: string;
}

export function runLeakCase(c: LeakCase): LeakResult {
  const sim = simulate(c.spec, { kinds: ['leak'] });
  const start = sim.startMs + c.leakStartMs;
  const leaks = fired(sim, 'leak');
  const hit = leaks.find((a) => a.firedAtMs! >= start);
  return {
    c,
    detectMinutes: hit ? (hit.firedAtMs! - start) / MINUTE : null,
    early: leaks.filter((a) => a.firedAtMs! < start).length,
    detectorMs: sim.detectorMs,
    evaluations: sim.evaluations,
    summary: hit?.fired?.summary,
  };
}

export interface FamilyResult {
  family: HealthyFamily;
  runtime: Runtime;
  seed: number;
  /** Fired alerts by kind; leak must stay 0 everywhere, fragmentation may fire in the fragmentation family. */
  alerts: Record<SimulatedKind, number>;
  summaries: string[];
}

export function runFamily(family: HealthyFamily, runtime: Runtime, seed: number): FamilyResult {
  const sim = simulate(familySpec(family, runtime, seed));
  const alerts = Object.fromEntries(SIMULATED_KINDS.map((k) => [k, 0])) as Record<SimulatedKind, number>;
  const summaries: string[] = [];
  for (const a of fired(sim)) {
    alerts[a.kind]++;
    summaries.push(`${a.kind}: ${a.fired?.summary ?? a.opened.summary}`);
  }
  return { family, runtime, seed, alerts, summaries };
}

/** Fired alerts that count as false: everything, except fragmentation in the fragmentation family. */
export function falseAlerts(r: FamilyResult): number {
  return SIMULATED_KINDS.reduce((n, k) => n + (r.family === 'fragmentation' && k === 'fragmentation' ? 0 : r.alerts[k]), 0);
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
}

export function leakTable(results: LeakResult[]): string {
  const rates = [...new Set(results.map((r) => r.c.rateBytesPerHour))].sort((a, b) => a - b);
  const rows = ['| leak rate | runs | detected | within 30 min | median time to fire | max time to fire | early alerts |', '|---:|---:|---:|---:|---:|---:|---:|'];
  for (const rate of rates) {
    const of = results.filter((r) => r.c.rateBytesPerHour === rate);
    const times = of.map((r) => r.detectMinutes).filter((m): m is number => m !== null);
    const pct = (n: number) => `${((100 * n) / of.length).toFixed(0)}%`;
    const fmt = (m: number) => (Number.isFinite(m) ? `${m.toFixed(1)} min` : '–');
    rows.push(`| ${rate / MB} MB/h | ${of.length} | ${pct(times.length)} | ${pct(times.filter((m) => m <= 30).length)} | ${fmt(percentile(times, 0.5))} | ${fmt(times.length ? Math.max(...times) : NaN)} | ${of.reduce((n, r) => n + r.early, 0)} |`);
  }
  return rows.join('\n');
}

export function familyTable(results: FamilyResult[]): string {
  const rows = [`| family | runtime | runs | ${SIMULATED_KINDS.join(' | ')} |`, `|---|---|---:|${SIMULATED_KINDS.map(() => '---:').join('|')}|`];
  for (const family of HEALTHY_FAMILIES) {
    for (const runtime of ['cpython', 'node'] as const) {
      const of = results.filter((r) => r.family === family && r.runtime === runtime);
      if (!of.length) continue;
      const counts = SIMULATED_KINDS.map((k) => of.reduce((n, r) => n + r.alerts[k], 0));
      rows.push(`| ${family} | ${runtime} | ${of.length} | ${counts.join(' | ')} |`);
    }
  }
  return rows.join('\n');
}
