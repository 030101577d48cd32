// Day partitions of a sharded coordinator's samples, kept on its data nodes:
// the same names, bounds and whole-partition drops as unsharded (partitions.ts,
// retention.ts), run through dblink over the coordinator's foreign servers, so
// ingest's hourly maintenance and retention need no connection of their own.
import type pg from 'pg';
import { partitionOf, partitionsFromCatalog, PARTITION_CATALOG_QUERY, type Partition } from '../partitions';

/** Foreign servers are named by their remainder: rows with hash(instance_id) % N = i live on memsight_shard_<i>. */
export const shardServerName = (remainder: number) => `memsight_shard_${remainder}`;

/** The coordinator's samples partitioning: 'r' (range by day, unsharded) or 'h' (hash by instance over data nodes). */
export async function samplesStrategy(db: pg.Pool | pg.ClientBase): Promise<'r' | 'h' | undefined> {
  const { rows } = await db.query<{ s: 'r' | 'h' }>(`SELECT partstrat::text AS s FROM pg_partitioned_table WHERE partrelid = 'samples'::regclass`);
  return rows[0]?.s;
}

/** The shard servers of a sharded coordinator, by remainder; empty when samples is not sharded. */
export async function listShardServers(db: pg.Pool | pg.ClientBase): Promise<string[]> {
  const { rows } = await db.query<{ server: string }>(
    `SELECT s.srvname AS server
       FROM pg_inherits i JOIN pg_foreign_table ft ON ft.ftrelid = i.inhrelid JOIN pg_foreign_server s ON s.oid = ft.ftserver
       JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'samples'::regclass
      ORDER BY substring(pg_get_expr(c.relpartbound, c.oid) FROM 'remainder (\\d+)')::int`,
  );
  return rows.map((r) => r.server);
}

/** The day partitions of samples on one data node, oldest first. */
export async function listNodePartitions(db: pg.Pool | pg.ClientBase, server: string): Promise<Partition[]> {
  const { rows } = await db.query<{ name: string; bound: string }>(
    `SELECT name, bound FROM dblink($1, format($2, 'samples')) AS t(name text, bound text)`,
    [server, PARTITION_CATALOG_QUERY.replace('$1', '%L')],
  );
  return partitionsFromCatalog(rows);
}

async function onNode(db: pg.Pool | pg.ClientBase, server: string, sql: string): Promise<void> {
  await db.query('SELECT dblink_exec($1, $2)', [server, sql]);
}

/** Creates the day partitions over [fromMs, toMs] on every data node. Idempotent; returns `server:partition` for each created. */
export async function ensureShardPartitions(db: pg.Pool | pg.ClientBase, fromMs: number, toMs: number): Promise<string[]> {
  const created: string[] = [];
  for (const server of await listShardServers(db)) {
    const have = new Set((await listNodePartitions(db, server)).map((p) => p.name));
    for (let p = partitionOf('samples', fromMs); p.fromMs <= toMs; p = partitionOf('samples', p.toMs)) {
      if (have.has(p.name)) continue;
      // `name` comes from a date and a fixed table name, never from input; IF NOT EXISTS: another replica may race us.
      await onNode(db, server, `CREATE TABLE IF NOT EXISTS "${p.name}" PARTITION OF samples FOR VALUES FROM ('${new Date(p.fromMs).toISOString()}') TO ('${new Date(p.toMs).toISOString()}')`);
      created.push(`${server}:${p.name}`);
    }
  }
  return created;
}

/** Drops, on every data node, the day partitions wholly before `cutoffMs`; returns `server:partition` for each dropped. */
export async function dropShardPartitionsBefore(db: pg.Pool | pg.ClientBase, cutoffMs: number): Promise<string[]> {
  const dropped: string[] = [];
  for (const server of await listShardServers(db)) {
    for (const p of await listNodePartitions(db, server)) {
      if (!(p.toMs <= cutoffMs)) continue; // NaN bounds (a partition someone else made) are never dropped
      await onNode(db, server, `DROP TABLE IF EXISTS "${p.name.replaceAll('"', '""')}"`);
      dropped.push(`${server}:${p.name}`);
    }
  }
  return dropped;
}
