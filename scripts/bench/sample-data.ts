// The benchmark's data: memory-like series (random walks in bytes, small
// counters, ratios) for many simulated instances. Generated once, then used
// identically by the raw COPY baseline and the HTTP ingest run.
import { gzipSync } from 'node:zlib';
import type { IngestBatch } from '@memsight/contracts';

export interface BenchShape {
  instances: number;
  timestamps: number;
  metrics: number;
  stepMs: number;
}

export const METRIC_NAMES = (n: number) =>
  Array.from({ length: n }, (_, i) => (i === 0 ? 'process.memory.rss' : `bench.metric_${String(i).padStart(2, '0')}`));

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** rows[instance][t] = values */
export function generateValues(shape: BenchShape): number[][][] {
  const rand = seeded(42);
  return Array.from({ length: shape.instances }, () => {
    const level = Array.from({ length: shape.metrics }, (_, m) => (m % 3 === 0 ? 50e6 + rand() * 500e6 : m % 3 === 1 ? Math.floor(rand() * 1000) : rand()));
    return Array.from({ length: shape.timestamps }, () =>
      level.map((v, m) => {
        const next = m % 3 === 0 ? Math.round(v + (rand() - 0.4) * 65536) : m % 3 === 1 ? v + Math.floor(rand() * 3) : Math.round(rand() * 1e4) / 1e4;
        level[m] = next;
        return next;
      }),
    );
  });
}

/**
 * One agent batch. `processStartMs` is the simulated process's start time:
 * it must stay the same across an instance's batches, because a changed
 * start time means a restarted process and ingest then refreshes the
 * instance's row (an upsert per batch, which real agents do not cause).
 */
export function batchFor(instance: number, startMs: number, shape: BenchShape, values: number[][], metrics: string[], processStartMs: number): IngestBatch {
  return {
    v: 1,
    agent: { name: 'memsight-bench', version: '0.0.0' },
    instance: {
      id: `bench-${String(instance).padStart(6, '0')}`,
      app: `bench-app-${instance % 10}`,
      host: `host-${instance % 50}`,
      pid: 1000 + instance,
      runtime: 'cpython',
      runtimeVersion: '3.11.7',
      startedAt: processStartMs,
    },
    seq: 1,
    metrics,
    samples: values.map((row, t) => ({ ts: startMs + t * shape.stepMs, values: row })),
  };
}

export function gzipBatch(batch: IngestBatch): Buffer {
  return gzipSync(JSON.stringify(batch), { level: 6 });
}
