// Shared test vectors: the agents' tests and ingest's tests read the same files.
// Timestamps are fixed; `rebaseBatch` shifts them so the newest lands at `nowMs`.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { IngestBatch } from './wire';

export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../golden');

export type GoldenKind = 'valid' | 'invalid' | 'partial';

export function goldenNames(kind: GoldenKind): string[] {
  return readdirSync(path.join(GOLDEN_DIR, kind))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function readGoldenText(kind: GoldenKind, name: string): string {
  return readFileSync(path.join(GOLDEN_DIR, kind, `${name}.json`), 'utf8');
}

export function readGolden(kind: 'valid' | 'partial', name: string): IngestBatch {
  return JSON.parse(readGoldenText(kind, name)) as IngestBatch;
}

export function rebaseBatch(batch: IngestBatch, nowMs: number): IngestBatch {
  const newest = Math.max(...batch.samples.map((s) => s.ts), ...(batch.snapshots ?? []).map((s) => s.ts));
  const shift = nowMs - newest;
  return {
    ...batch,
    instance: { ...batch.instance, startedAt: batch.instance.startedAt + shift },
    samples: batch.samples.map((s) => ({ ...s, ts: s.ts + shift })),
    snapshots: batch.snapshots?.map((s) => ({ ...s, ts: s.ts + shift })),
  };
}

/**
 * The invalid golden batches that a loose schema once let through to
 * PostgreSQL, where they failed the whole group commit (issue 14), with the
 * field each one's 400 must name.
 */
export const STORAGE_REFUSALS: Record<string, string> = {
  'seq-over-int8': 'seq',
  'seq-over-safe-integer': 'seq',
  'dropped-over-safe-integer': 'dropped',
  'pid-over-int4': 'instance.pid',
  'memory-limit-over-int8': 'instance.memoryLimitBytes',
  'started-at-beyond-date': 'instance.startedAt',
  'sample-ts-beyond-date': 'samples[0].ts',
  'snapshot-ts-beyond-date': 'snapshots[0].ts',
  'site-count-over-safe-integer': 'snapshots[0].sites[0].count',
  'type-growth-over-safe-integer': 'snapshots[1].types[0].growth',
  'nul-in-agent-version': 'agent.version',
  'nul-in-app': 'instance.app',
  'nul-in-app-version': 'instance.appVersion',
  'nul-in-host': 'instance.host',
  'nul-in-runtime-version': 'instance.runtimeVersion',
  'nul-in-worker': 'instance.worker',
  'nul-in-label': 'instance.labels.env',
  'nul-in-type': 'snapshots[1].types[0].type',
  'nul-in-traceback': 'snapshots[0].sites[0].traceback[1]',
  'lone-surrogate-in-label': 'instance.labels.region',
  'lone-surrogate-in-site': 'snapshots[0].sites[0].site',
  'label-key-off-pattern': 'instance.labels',
  'label-value-not-string': 'instance.labels.replicas',
  'label-value-too-long': 'instance.labels.env',
  'too-many-labels': 'instance.labels',
};
