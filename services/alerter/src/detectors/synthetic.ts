// Synthetic programs for the detectors' tests and accuracy suite: a seeded
// model of one service's memory, sampled as the agents sample it (every 10 s,
// slow readings every 60 s), with the mechanisms that make detection hard:
// GC sawtooths, transient request memory, slow traffic wander, warm-up fills,
// deploy steps, fragmentation, gaps and restarts. The runtime models live in
// synthetic-python.ts and synthetic-node.ts.
import type { InstanceFacts } from './types';
import { LiveSet, Random, SAMPLE_MS, SLOW_MS, type ProgramSpec, type RuntimeProcess, type SyntheticInstance } from './synthetic-model';
import { NodeProcess } from './synthetic-node';
import { PythonProcess } from './synthetic-python';

export * from './synthetic-model';

/** The program as the alerter would receive it: one instance per process lifetime. */
export function generate(spec: ProgramSpec, startMs: number): SyntheticInstance[] {
  const rng = new Random(spec.seed);
  const instances: SyntheticInstance[] = [];
  const restartEvery = spec.restartEveryMs ?? Infinity;
  let current: { inst: SyntheticInstance; proc: RuntimeProcess; lastSlow: number } | undefined;
  for (let t = 0; t < spec.durationMs; t += SAMPLE_MS) {
    const processStart = Number.isFinite(restartEvery) ? Math.floor(t / restartEvery) * restartEvery : 0;
    if (!current || current.inst.facts.startedAtMs !== startMs + processStart) {
      const facts: InstanceFacts = {
        id: `${spec.runtime}-${spec.seed}-${instances.length}`,
        runtime: spec.runtime,
        startedAtMs: startMs + processStart,
        memoryLimitBytes: spec.memoryLimitBytes ?? null,
      };
      const live = new LiveSet(spec, rng, processStart);
      const proc = spec.runtime === 'node' ? new NodeProcess(spec, rng, live) : new PythonProcess(spec, rng, live);
      current = { inst: { facts, samples: [] }, proc, lastSlow: -Infinity };
      instances.push(current.inst);
    }
    const slow = t - current.lastSlow >= SLOW_MS;
    if (slow) current.lastSlow = t;
    // The process runs through a gap; only its samples are lost.
    const record = current.proc.tick(t, slow);
    if ((spec.gaps ?? []).some((g) => t >= g.fromMs && t < g.toMs)) continue;
    current.inst.samples.push({ ts: startMs + t + Math.floor(rng.next() * 300), record });
  }
  return instances;
}
