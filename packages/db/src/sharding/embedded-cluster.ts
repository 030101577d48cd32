// A sharded memsight database from throwaway embedded PostgreSQL servers: a
// migrated coordinator whose samples are hashed over `ports.length - 1` data
// nodes. For the sharding test and bench:scale, on a machine with nothing installed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../embedded';
import { migrate } from '../migrate';
import { MIGRATIONS_DIR } from '../paths';
import { createPool } from '../pool';
import { shardSamples, type DataNode } from './shard-samples';

const DAY_MS = 86_400_000;

export interface EmbeddedCluster {
  coordinatorUrl: string;
  nodeUrls: string[];
  stop: () => Promise<void>;
}

/** The embedded servers' credentials, as a data node of the coordinator's foreign servers. */
function asDataNode(url: string): DataNode {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), dbname: u.pathname.slice(1) };
}

/**
 * Starts the servers on `ports` (the first is the coordinator), migrates the
 * coordinator and, with at least one data node, shards its samples with day
 * partitions on the nodes around `nowMs`. `fast`: no fsync (tests).
 */
export async function startEmbeddedCluster(o: { ports: number[]; nowMs: number; fast: boolean; onLog?: (line: string) => void }): Promise<EmbeddedCluster> {
  const started: RunningPostgres[] = [];
  const stop = async () => void (await Promise.all(started.map((s) => s.stop().catch(() => {}))));
  try {
    // Started together: each start is mostly initdb, and the caller needs all of them.
    const servers = await Promise.allSettled(
      o.ports.map((port) => startEmbeddedPostgres({ dataDir: mkdtempSync(path.join(tmpdir(), 'memsight-shard-pg-')), port, persistent: false, fast: o.fast, onLog: o.onLog ?? (() => {}) })),
    );
    for (const s of servers) if (s.status === 'fulfilled') started.push(s.value);
    const failed = servers.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [coordinator, ...nodes] = started.map((s) => s.url);
    const pool = createPool(coordinator!, 1);
    try {
      await migrate(pool, MIGRATIONS_DIR);
      if (nodes.length > 0) await shardSamples(pool, nodes.map(asDataNode), { fromMs: o.nowMs - 3 * DAY_MS, toMs: o.nowMs + 2 * DAY_MS });
    } finally {
      await pool.end();
    }
    return { coordinatorUrl: coordinator!, nodeUrls: nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
