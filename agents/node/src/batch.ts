// Wire format v1 batches (packages/contracts/src/wire.ts): the metric names
// once, then one row of values per tick in that order, null where a
// collector had nothing that tick.
import { gzipSync } from 'node:zlib';
import type { IngestBatch, InstanceIdentity, Snapshot } from '@memsight/contracts';

export const AGENT_NAME = 'memsight-node';
export const AGENT_VERSION = '0.1.0';

export type Tick = { ts: number; values: Record<string, number> };

export function buildBatch(instance: InstanceIdentity, seq: number, ticks: Tick[], snapshots: Snapshot[] = [], dropped = 0): IngestBatch {
  const index = new Map<string, number>();
  for (const t of ticks) for (const name of Object.keys(t.values)) if (!index.has(name)) index.set(name, index.size);
  const samples = ticks.map((t) => {
    const row: (number | null)[] = new Array(index.size).fill(null);
    // JSON has no NaN or Infinity: a reading that produced one is missing.
    for (const [name, v] of Object.entries(t.values)) row[index.get(name)!] = Number.isFinite(v) ? v : null;
    return { ts: Math.round(t.ts), values: row };
  });
  const batch: IngestBatch = { v: 1, agent: { name: AGENT_NAME, version: AGENT_VERSION }, instance, seq, metrics: [...index.keys()], samples };
  if (snapshots.length) batch.snapshots = snapshots;
  if (dropped) batch.dropped = dropped;
  return batch;
}

/**
 * A 4 KiB window and memLevel 4 need a fraction of deflate's default state
 * (allocated per call): batches are a few KiB, so they compress nearly as well.
 */
export function encode(batch: IngestBatch): Buffer {
  return gzipSync(JSON.stringify(batch), { level: 6, windowBits: 12, memLevel: 4 });
}
