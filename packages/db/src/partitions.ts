// Every time-keyed table is partitioned by range of its time column: raw and
// compacted samples, snapshots and minute rollups by UTC day, hour rollups by UTC month.
// Partitions are created ahead of need (and for the accepted backfill window)
// so an insert never finds a gap, and retention drops whole partitions.
import type pg from 'pg';
import { ensureShardPartitions, samplesStrategy } from './sharding/shard-partitions';

const DAY_MS = 86_400_000;

export type PartitionedTable = 'samples' | 'samples_compact' | 'snapshots' | 'rollups_1m' | 'rollups_1h';
/** The tables ingest writes to as data arrives (compacted samples are made later, day by day). */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = ['samples', 'snapshots', 'rollups_1m', 'rollups_1h'];

/** Hour rollups are 24 rows per instance a day: a month per partition keeps their count small over two years. */
const BY_MONTH = new Set<PartitionedTable>(['rollups_1h']);

export interface Partition {
  name: string;
  fromMs: number;
  toMs: number;
}

/** The partition of `table` that holds `ms`. */
export function partitionOf(table: PartitionedTable, ms: number): Partition {
  const d = new Date(ms);
  if (BY_MONTH.has(table)) {
    const fromMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const toMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    return { name: `${table}_p${d.toISOString().slice(0, 7).replace('-', '')}`, fromMs, toMs };
  }
  const fromMs = Math.floor(ms / DAY_MS) * DAY_MS;
  return { name: `${table}_p${new Date(fromMs).toISOString().slice(0, 10).replaceAll('-', '')}`, fromMs, toMs: fromMs + DAY_MS };
}

/** The daily samples partition's name (kept for callers that think in days). */
export function partitionName(dayStartMs: number): string {
  return partitionOf('samples', dayStartMs).name;
}

/** A table's partitions and their bounds, from the catalogue ($1: the parent). Also run on data nodes (sharding/). */
export const PARTITION_CATALOG_QUERY = `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass`;

/** Catalogue rows as partitions, oldest first; a bound that is not a range of times (a hash partition) gives NaN. */
export function partitionsFromCatalog(rows: { name: string; bound: string }[]): Partition[] {
  return rows
    .map((r) => {
      const [from, to] = [...r.bound.matchAll(/'([^']+)'/g)].map((m) => Date.parse(m[1]!));
      return { name: r.name, fromMs: from ?? NaN, toMs: to ?? NaN };
    })
    .sort((a, b) => a.fromMs - b.fromMs);
}

/** The partitions `table` has now, oldest first, with their bounds read from the catalogue. */
export async function listPartitions(db: pg.Pool | pg.ClientBase, table: PartitionedTable): Promise<Partition[]> {
  const { rows } = await db.query<{ name: string; bound: string }>(PARTITION_CATALOG_QUERY, [table]);
  return partitionsFromCatalog(rows);
}

/**
 * A rollup row holds five arrays per metric set (n, min, max, avg, last): past
 * 2 kB, PostgreSQL compresses them in place, and a chart then decompresses
 * each array once per metric it reads from the row (60 metrics: 120 times a
 * row). Kept uncompressed up to a page, a day's chart reads 2.8× faster for
 * about 30 % more rollup disk. Set per partition: a partitioned table takes
 * no storage parameters. (Migration 20261202020000 sets it on older ones.)
 */
export const UNCOMPRESSED_ROWS = 'WITH (toast_tuple_target = 8160)';
const STORAGE: Partial<Record<PartitionedTable, string>> = { rollups_1m: ` ${UNCOMPRESSED_ROWS}`, rollups_1h: ` ${UNCOMPRESSED_ROWS}` };

/** Creates the partitions of `table` covering [fromMs, toMs]. Idempotent; returns the names created. */
export async function ensurePartitions(pool: pg.Pool | pg.ClientBase, table: PartitionedTable, fromMs: number, toMs: number): Promise<string[]> {
  // Sharded (sharding/shard-samples.ts), the coordinator's samples is hashed by instance: its days are made on the data nodes.
  if (table === 'samples' && (await samplesStrategy(pool)) === 'h') return ensureShardPartitions(pool, fromMs, toMs);
  const have = new Set((await listPartitions(pool, table)).map((p) => p.name));
  const created: string[] = [];
  for (let p = partitionOf(table, fromMs); p.fromMs <= toMs; p = partitionOf(table, p.toMs)) {
    if (have.has(p.name)) continue;
    // Identifiers cannot be bound as parameters; `name` is derived from a date and a fixed table name, never from input.
    try {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS "${p.name}" PARTITION OF ${table} FOR VALUES FROM ('${new Date(p.fromMs).toISOString()}') TO ('${new Date(p.toMs).toISOString()}')${STORAGE[table] ?? ''}`,
      );
      created.push(p.name);
    } catch (err) {
      // Another process (ingest and alerter start together) created it first.
      if (!isAlreadyExists(err)) throw err;
    }
  }
  return created;
}

/** Creates daily sample partitions covering [fromMs, toMs]. */
export function ensureSamplePartitions(pool: pg.Pool, fromMs: number, toMs: number): Promise<string[]> {
  return ensurePartitions(pool, 'samples', fromMs, toMs);
}

/** Every partitioned table's partitions over [fromMs, toMs]: what a writer of samples, snapshots and rollups needs. */
export async function ensureAllPartitions(pool: pg.Pool, fromMs: number, toMs: number): Promise<string[]> {
  const created: string[] = [];
  for (const table of PARTITIONED_TABLES) created.push(...(await ensurePartitions(pool, table, fromMs, toMs)));
  return created;
}

function isAlreadyExists(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '42P07' || code === '23505';
}
