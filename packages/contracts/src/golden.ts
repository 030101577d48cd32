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
