// Expiry: a partition goes once all of it is older than its table's
// retention, with DROP TABLE, never a mass DELETE (no dead rows, no vacuum
// debt, no long lock on the live partition). The one table that cannot be
// partitioned by time is ingest_batches: its key (instance, seq) must stay
// unique across all time for retries to be idempotent. Its keys only matter
// while an agent may still replay a batch whose samples ingest would accept,
// and go in small bounded deletes.
import type pg from 'pg';
import { listPartitions, type PartitionedTable } from './partitions';
import { dropShardPartitionsBefore, samplesStrategy } from './sharding/shard-partitions';

const DAY_MS = 86_400_000;

export interface RetentionDays {
  samples: number;
  rollups_1m: number;
  rollups_1h: number;
  snapshots: number;
  /** The idempotency keys of accepted batches; longer than ingest's accepted sample age. */
  ingest_batches: number;
}

export const DEFAULT_RETENTION_DAYS: RetentionDays = { samples: 7, rollups_1m: 90, rollups_1h: 730, snapshots: 30, ingest_batches: 3 };

export interface RetentionOutcome {
  dropped: string[];
  batchKeysDeleted: number;
}

const KEY_CHUNK = 5000;
const KEY_ROUNDS = 20; // at most 100k keys a pass; the next pass takes the rest

/** Drops every partition that lies wholly before its table's cut-off, and trims old batch keys. */
export async function applyRetention(pool: pg.Pool, nowMs: number, days: RetentionDays): Promise<RetentionOutcome> {
  const dropped: string[] = [];
  for (const table of ['samples', 'samples_compact', 'snapshots', 'rollups_1m', 'rollups_1h'] as PartitionedTable[]) {
    const cutoff = nowMs - days[table === 'samples_compact' ? 'samples' : table] * DAY_MS; // compacted samples are raw samples
    for (const p of await listPartitions(pool, table)) {
      if (!(p.toMs <= cutoff)) continue; // NaN bounds (a partition someone else made) are never dropped
      // `p.name` comes from the catalogue as a child of `table`; quoted as an identifier.
      await pool.query(`DROP TABLE IF EXISTS "${p.name.replaceAll('"', '""')}"`);
      dropped.push(p.name);
    }
  }
  // Sharded, the coordinator's samples partitions are hash partitions (NaN bounds, never dropped above): the days are on the nodes.
  if ((await samplesStrategy(pool)) === 'h') dropped.push(...(await dropShardPartitionsBefore(pool, nowMs - days.samples * DAY_MS)));
  let batchKeysDeleted = 0;
  const keyCutoff = new Date(nowMs - days.ingest_batches * DAY_MS).toISOString();
  for (let round = 0; round < KEY_ROUNDS; round++) {
    const res = await pool.query(
      `DELETE FROM ingest_batches WHERE ctid = ANY(ARRAY(SELECT ctid FROM ingest_batches WHERE received_at < $1::timestamptz LIMIT ${KEY_CHUNK}))`,
      [keyCutoff],
    );
    batchKeysDeleted += res.rowCount ?? 0;
    if ((res.rowCount ?? 0) < KEY_CHUNK) break;
  }
  return { dropped, batchKeysDeleted };
}
