// Compaction: a day of raw samples that can no longer change is rewritten as
// compact blocks (codec/block.ts), one per (instance, hour, metric set), and
// its raw partition dropped, in one transaction: interrupted, nothing
// changed; run again, a day already compacted has no raw partition left.
//
// A day can no longer change once ingest refuses samples that old (its end
// plus the accepted sample age) and the roller has read every batch received
// until then, so its rollups are final too.
import type pg from 'pg';
import { decodeBlock, encodeBlock } from './codec/block';
import { ensurePartitions, listPartitions, type Partition } from './partitions';
import { readRollupProgress } from './roller';
import { withTransaction } from './transaction';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface CompactionOutcome {
  day: string;
  samples: number;
  blocks: number;
  bytes: number;
}

interface RawRow {
  ts: number;
  metric_set_id: number;
  values: (number | null)[] | null;
}

/** Encodes one instance's rows of a day (ts order) into blocks per (hour, metric set). */
function blocksOf(instanceId: string, rows: RawRow[]) {
  const groups = new Map<string, { hour: number; set: number; rows: RawRow[] }>();
  for (const r of rows) {
    const hour = Math.floor(r.ts / HOUR_MS) * HOUR_MS;
    const key = `${hour}:${r.metric_set_id}`;
    const g = groups.get(key) ?? { hour, set: r.metric_set_id, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const width = Math.max(0, ...g.rows.map((r) => r.values?.length ?? 0));
    const columns = Array.from({ length: width }, (_, k) => g.rows.map((r) => r.values?.[k] ?? null));
    return { instanceId, hour: g.hour, set: g.set, first: g.rows[0]!.ts, last: g.rows.at(-1)!.ts, count: g.rows.length, data: Buffer.from(encodeBlock({ ts: g.rows.map((r) => r.ts), columns })) };
  });
}

/** Compacts one raw day partition; undefined when it is already gone. */
export async function compactPartition(pool: pg.Pool, p: Partition): Promise<CompactionOutcome | undefined> {
  await ensurePartitions(pool, 'samples_compact', p.fromMs, p.fromMs);
  const name = `"${p.name.replaceAll('"', '""')}"`; // from the catalogue, quoted as an identifier
  const outcome: CompactionOutcome = { day: new Date(p.fromMs).toISOString().slice(0, 10), samples: 0, blocks: 0, bytes: 0 };
  return withTransaction(pool, async (db) => {
    // Gone since it was listed (another replica compacted it): nothing to do.
    const exists = await db.query(`SELECT 1 FROM pg_class WHERE relname = $1`, [p.name]);
    if (exists.rowCount === 0) return undefined;
    await db.query(`LOCK TABLE ${name} IN EXCLUSIVE MODE`); // readers may go on; no writer can slip in
    const { rows: instances } = await db.query<{ id: string }>(`SELECT DISTINCT instance_id::text AS id FROM ${name}`);
    for (const { id } of instances) {
      const { rows } = await db.query<{ ts: string; metric_set_id: number; values: (number | null)[] | null }>(
        `SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts, metric_set_id, values FROM ${name} WHERE instance_id = $1 ORDER BY ts`,
        [id],
      );
      const blocks = blocksOf(id, rows.map((r) => ({ ts: Number(r.ts), metric_set_id: r.metric_set_id, values: r.values })));
      await db.query(
        `INSERT INTO samples_compact (instance_id, hour, metric_set_id, first_ts, last_ts, sample_count, data)
         SELECT i, to_timestamp(h / 1000.0), s, to_timestamp(f / 1000.0), to_timestamp(l / 1000.0), c, d
           FROM unnest($1::bigint[], $2::float8[], $3::int[], $4::float8[], $5::float8[], $6::int[], $7::bytea[]) AS x(i, h, s, f, l, c, d)`,
        [blocks.map((b) => b.instanceId), blocks.map((b) => b.hour), blocks.map((b) => b.set), blocks.map((b) => b.first), blocks.map((b) => b.last), blocks.map((b) => b.count), blocks.map((b) => b.data)],
      );
      outcome.samples += rows.length;
      outcome.blocks += blocks.length;
      outcome.bytes += blocks.reduce((n, b) => n + b.data.length, 0);
    }
    await db.query(`DROP TABLE ${name}`);
    return outcome;
  });
}

/** Compacts every raw day that can no longer change: past `acceptedAgeMs` and fully rolled up. */
export async function compactSettledDays(pool: pg.Pool, nowMs: number, acceptedAgeMs: number): Promise<CompactionOutcome[]> {
  const rolledUntil = (await readRollupProgress(pool))['1h'];
  if (rolledUntil === undefined) return []; // without rollups, the raw rows are all a chart has
  // A day's margin past the accepted age, as ingest keeps partitions for: clocks of replicas differ, and the partition
  // holding the oldest time ingest still accepts is never compacted (and so never made again empty, hour after hour).
  const settled = Math.min(nowMs, rolledUntil) - acceptedAgeMs - DAY_MS;
  const done: CompactionOutcome[] = [];
  for (const p of await listPartitions(pool, 'samples')) {
    // Sharded samples (sharding/) are hash partitions with no time bounds (NaN): never compacted, their days expire on the nodes.
    if (!(p.toMs <= settled)) continue;
    const outcome = await compactPartition(pool, p);
    if (outcome) done.push(outcome);
  }
  return done;
}

export interface StoredRow {
  ts: number;
  metricSetId: number;
  values: (number | null)[];
}

/** An instance's compacted samples in [fromMs, toMs), decoded, in time order. */
export async function readCompactedRows(db: pg.Pool | pg.ClientBase, instanceId: string, fromMs: number, toMs: number): Promise<StoredRow[]> {
  const { rows } = await db.query<{ metric_set_id: number; data: Buffer }>(
    `SELECT metric_set_id, data FROM samples_compact
      WHERE instance_id = $1 AND hour >= to_timestamp($2 / 1000.0) - interval '1 hour' AND hour < to_timestamp($3 / 1000.0)
        AND last_ts >= to_timestamp($2 / 1000.0) AND first_ts < to_timestamp($3 / 1000.0)`,
    [instanceId, fromMs, toMs],
  );
  const out: StoredRow[] = [];
  for (const r of rows) {
    const block = decodeBlock(r.data);
    block.ts.forEach((ts, i) => {
      if (ts >= fromMs && ts < toMs) out.push({ ts, metricSetId: r.metric_set_id, values: block.columns.map((c) => c[i]!) });
    });
  }
  return out.sort((a, b) => a.ts - b.ts);
}
