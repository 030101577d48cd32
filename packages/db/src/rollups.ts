// Minute and hour rollups of every sample metric: count, min (the lower
// envelope), max, mean and last per (instance, bucket).
//
// A bucket is always recomputed whole from its source (minutes from raw
// samples, hours from minutes) and upserted, never incremented. That is what
// makes it idempotent: a rerun, a late batch, a duplicate the raw table
// refused, or an agent replaying its buffer after an outage all give the
// rollup a direct aggregation of the raw rows would give. Which buckets to
// recompute comes from the batches received since the last pass (each batch
// records its samples' time range in ingest_batches).
import type pg from 'pg';
import { ensurePartitions, UNCOMPRESSED_ROWS } from './partitions';
import { meanSql, weightedMeanSql } from './finite-aggregates';
import { inTransaction } from './transaction';

export type Resolution = '1m' | '1h';
export const RESOLUTION_MS: Record<Resolution, number> = { '1m': 60_000, '1h': 3_600_000 };
const TABLE = { '1m': 'rollups_1m', '1h': 'rollups_1h' } as const;

// Per (instance, bucket, metric) from the source rows of the keyed buckets.
// LATERAL ... OFFSET 0 (which keeps the planner from flattening it into a
// join): each key reads its bucket by the primary key, whatever the planner
// believes of a partition autovacuum has not analysed yet. Flattened, it was
// a merge join on instance alone, filtering 50 M pairs: 35 s a day, not 1 s.
// Means through finite-aggregates.ts: one stored 1e308 made avg() overflow and failed the whole pass.
const FROM_RAW = `
  SELECT k.instance_id, k.bucket, u.name,
         count(u.v)::int AS n, min(u.v) AS mn, max(u.v) AS mx, ${meanSql('u.v')} AS av,
         (array_agg(u.v ORDER BY s.ts DESC) FILTER (WHERE u.v IS NOT NULL))[1] AS lst
    FROM rollup_keys k
    CROSS JOIN LATERAL (SELECT ts, metric_set_id, values FROM samples
                         WHERE instance_id = k.instance_id AND ts >= k.bucket AND ts < k.bucket + interval '1 minute' OFFSET 0) s
    JOIN metric_sets ms ON ms.id = s.metric_set_id
    CROSS JOIN LATERAL unnest(ms.names, s.values) AS u(name, v)
   WHERE u.name IS NOT NULL
   GROUP BY 1, 2, 3`;

const FROM_MINUTES = `
  SELECT k.instance_id, k.bucket, u.name,
         sum(u.n)::int AS n, min(u.mn) AS mn, max(u.mx) AS mx, ${weightedMeanSql('u.av', 'u.n')} AS av,
         (array_agg(u.lst ORDER BY r.bucket DESC) FILTER (WHERE u.n > 0))[1] AS lst
    FROM rollup_keys k
    CROSS JOIN LATERAL (SELECT bucket, metric_set_id, n, "min", "max", "avg", "last" FROM rollups_1m
                         WHERE instance_id = k.instance_id AND bucket >= k.bucket AND bucket < k.bucket + interval '1 hour' OFFSET 0) r
    JOIN metric_sets ms ON ms.id = r.metric_set_id
    CROSS JOIN LATERAL unnest(ms.names, r.n, r."min", r."max", r."avg", r."last") AS u(name, n, mn, mx, av, lst)
   WHERE u.name IS NOT NULL
   GROUP BY 1, 2, 3`;

const NAMES_HASH = (names: string) => `encode(sha256(convert_to(array_to_string(${names}, E'\\n'), 'UTF8')), 'hex')`;

/** Recomputes the buckets listed in the session's `rollup_keys`; returns how many rows were written. */
async function recomputeKeyed(db: pg.ClientBase, resolution: Resolution): Promise<number> {
  await db.query(
    `INSERT INTO rollup_rows
     SELECT instance_id, bucket, array_agg(name ORDER BY name COLLATE "C"), array_agg(n ORDER BY name COLLATE "C"), array_agg(mn ORDER BY name COLLATE "C"),
            array_agg(mx ORDER BY name COLLATE "C"), array_agg(av ORDER BY name COLLATE "C"), array_agg(lst ORDER BY name COLLATE "C")
       FROM (${resolution === '1m' ? FROM_RAW : FROM_MINUTES}) per_metric
      GROUP BY 1, 2`,
  );
  // The same name list → the same metric set as samples use (same hash as upsertMetricSet).
  await db.query(`INSERT INTO metric_sets (names, names_hash) SELECT DISTINCT names, ${NAMES_HASH('names')} FROM rollup_rows ON CONFLICT (names_hash) DO NOTHING`);
  const res = await db.query(
    `INSERT INTO ${TABLE[resolution]} (instance_id, bucket, metric_set_id, n, "min", "max", "avg", "last")
     SELECT r.instance_id, r.bucket, ms.id, r.n, r.mn, r.mx, r.av, r.lst
       FROM rollup_rows r JOIN metric_sets ms ON ms.names_hash = ${NAMES_HASH('r.names')}
     ON CONFLICT (instance_id, bucket) DO UPDATE
       SET metric_set_id = EXCLUDED.metric_set_id, n = EXCLUDED.n, "min" = EXCLUDED."min", "max" = EXCLUDED."max", "avg" = EXCLUDED."avg", "last" = EXCLUDED."last"`,
  );
  return res.rowCount ?? 0;
}

function withKeys(db: pg.ClientBase, resolution: Resolution, fillKeys: () => Promise<unknown>): Promise<number> {
  return inTransaction(db, async () => {
    await db.query(`CREATE TEMP TABLE IF NOT EXISTS rollup_keys (instance_id bigint, bucket timestamptz(3)) ON COMMIT DELETE ROWS`);
    await db.query(
      `CREATE TEMP TABLE IF NOT EXISTS rollup_rows (instance_id bigint, bucket timestamptz(3), names text[], n int[], mn float8[], mx float8[], av float8[], lst float8[])
       -- Not compressed on the way through: a compressed array would be stored in the rollup compressed (partitions.ts).
       ${UNCOMPRESSED_ROWS} ON COMMIT DELETE ROWS`,
    );
    await fillKeys();
    // Autovacuum never analyses temporary tables: the planner would guess the keys' count.
    await db.query('ANALYZE rollup_keys');
    // Whatever times the keys have (a replayed or backfilled day included), their partition exists before the upsert.
    const { rows } = await db.query<{ lo: number | null; hi: number | null }>(
      `SELECT (extract(epoch FROM min(bucket)) * 1000)::float8 AS lo, (extract(epoch FROM max(bucket)) * 1000)::float8 AS hi FROM rollup_keys`,
    );
    if (rows[0]!.lo !== null) await ensurePartitions(db, TABLE[resolution], rows[0]!.lo, rows[0]!.hi!);
    return recomputeKeyed(db, resolution);
  });
}

const step = (resolution: Resolution) => `make_interval(secs => ${RESOLUTION_MS[resolution] / 1000})`;

/** Recomputes the `resolution` buckets touched by the batches received in [fromMs, toMs). */
export function rollUpReceived(db: pg.ClientBase, resolution: Resolution, fromMs: number, toMs: number): Promise<number> {
  return withKeys(db, resolution, () =>
    db.query(
      `INSERT INTO rollup_keys
       SELECT DISTINCT ib.instance_id, b
         FROM ingest_batches ib,
              generate_series(date_bin(${step(resolution)}, ib.min_ts, timestamptz 'epoch'), ib.max_ts, ${step(resolution)}) b
        WHERE ib.received_at >= to_timestamp($1 / 1000.0) AND ib.received_at < to_timestamp($2 / 1000.0) AND ib.min_ts IS NOT NULL`,
      [fromMs, toMs],
    ),
  );
}

/** Recomputes every `resolution` bucket with raw samples in [fromMs, toMs): a backfill, or data loaded without ingest. */
export function rollUpRange(db: pg.ClientBase, resolution: Resolution, fromMs: number, toMs: number): Promise<number> {
  return withKeys(db, resolution, () =>
    db.query(
      `INSERT INTO rollup_keys
       SELECT DISTINCT instance_id, date_bin(${step(resolution)}, ts, timestamptz 'epoch')
         FROM samples WHERE ts >= to_timestamp($1 / 1000.0) AND ts < to_timestamp($2 / 1000.0)`,
      [fromMs, toMs],
    ),
  );
}
