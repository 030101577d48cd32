// The samples agents report dropped (`dropped` on a batch: lost from a full
// buffer since the previous batch), added to their instances' totals. It is a
// statement of the group commit's own transaction, after the batches'
// (instance, seq) keys: a retried batch is a duplicate key, stores nothing and
// adds nothing, so a count is added once however often its batch is sent.
// Groups without drops (nearly all) get no statement at all.
import type { WriteJob } from './write-sample-group';

const BIGINT_MAX = '9223372036854775807';

/** Per instance: the samples dropped and the newest time drops were reported (unix ms). */
function dropsByInstance(jobs: WriteJob[]): Map<string, { n: bigint; atMs: number }> {
  const byInstance = new Map<string, { n: bigint; atMs: number }>();
  for (const j of jobs) {
    if (!j.dropped || !j.droppedAtMs) continue;
    const seen = byInstance.get(j.instanceId);
    const n = BigInt(Math.trunc(j.dropped));
    byInstance.set(j.instanceId, seen ? { n: seen.n + n, atMs: Math.max(seen.atMs, j.droppedAtMs) } : { n, atMs: j.droppedAtMs });
  }
  return byInstance;
}

/**
 * One UPDATE for the jobs' drops, or undefined when none reported any. Every
 * value is an integer we produced or checked (ids from the database, counts
 * and times bounded by the contract), so it is inlined, like the batch keys,
 * to travel in the group commit's single write. Rows are named in id order,
 * as the last-seen flush names them, and the total saturates at bigint's
 * maximum rather than fail the batch.
 */
export function addAgentDropsStatement(jobs: WriteJob[]): string | undefined {
  const drops = dropsByInstance(jobs);
  if (drops.size === 0) return undefined;
  const rows = [...drops.entries()]
    .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))
    .map(([id, d]) => `(${BigInt(id)}::bigint,${d.n}::numeric,to_timestamp(${Math.trunc(d.atMs)}/1000.0))`)
    .join(',');
  return `UPDATE instances AS i
     SET dropped_samples = LEAST(i.dropped_samples + d.n, ${BIGINT_MAX})::bigint,
         dropped_last_at = GREATEST(i.dropped_last_at, d.at)
    FROM (VALUES ${rows}) AS d(id, n, at) WHERE i.id = d.id`;
}
