// The evaluation benchmark's fleet, generated inside PostgreSQL (7 M rows
// would take longer to ship from Node than to make there): CPython and Node
// instances with the metric lists their agents really send, memory that
// saws up and down around a flat floor, and a few percent of leakers, so
// every detector runs its full analysis rather than an early exit.
import type pg from 'pg';
import { ensureSamplePartitions, upsertMetricSet } from '@memsight/db';

const gens = (name: string) => [0, 1, 2].map((g) => `${name}{generation=${g}}`);

// n = sample index, i = instance number, r = random() per value; leakers have i % 40 = 0.
export const PY_METRICS: [string, string][] = [
  ['process.memory.rss', '60e6 + (i % 50) * 4e6 + leak * n + 8e6 * ((n % 9) / 9.0) + r * 2e5'],
  ['process.memory.rss_anon', '50e6 + (i % 50) * 4e6 + leak * n + 8e6 * ((n % 9) / 9.0)'],
  ['process.memory.breakdown{part=in_use}', '30e6 + (i % 50) * 3e6 + leak * n + 6e6 * ((n % 9) / 9.0) + r * 1e5'],
  ['process.memory.breakdown{part=allocator_free}', '10e6 + r * 1e6'],
  ['process.memory.breakdown{part=other}', '8e6'],
  ['cpython.pymalloc.allocated_blocks', '200000 + leak * n / 64 + 30000 * ((n % 9) / 9.0)'],
  ['glibc.malloc.arena', '20e6'],
  ['glibc.malloc.in_use', '12e6 + leak * n / 2'],
  ['glibc.malloc.free', '4e6 + r * 1e6'],
  ['glibc.malloc.mmap', '2e6'],
  ['glibc.malloc.releasable', '1e5'],
  ['glibc.malloc.fragmentation', '0.2 + r * 0.05'],
  ['container.memory.usage', '70e6 + (i % 50) * 4e6 + leak * n + 8e6 * ((n % 9) / 9.0)'],
  ['process.open_fds{kind=total}', '40 + floor(r * 5)'],
  ['process.threads', '8'],
  ['process.cpu.time', 'n * 0.05'],
  ...gens('cpython.gc.count').map((m, g): [string, string] => [m, g === 0 ? 'floor(r * 700)' : 'floor(r * 10)']),
  ...gens('cpython.gc.collections').map((m, g): [string, string] => [m, `floor(n * ${[20, 2, 0.1][g]})`]),
  ...gens('cpython.gc.collected_objects').map((m): [string, string] => [m, 'n * 100']),
  ...gens('cpython.gc.uncollectable_objects').map((m): [string, string] => [m, '0']),
  ...gens('cpython.gc.threshold').map((m): [string, string] => [m, '700']),
  ['cpython.gc.garbage', '0'],
  ['cpython.gc.enabled', '1'],
  ...gens('cpython.gc.pause.count').map((m): [string, string] => [m, 'n * 2']),
  ...gens('cpython.gc.pause.total').map((m): [string, string] => [m, 'n * 0.001']),
  ...gens('cpython.gc.pause.max').map((m): [string, string] => [m, '0.002']),
  ['cpython.resource_warnings', '0'],
];

export const NODE_METRICS: [string, string][] = [
  ['process.memory.rss', '90e6 + (i % 50) * 3e6 + leak * n + 20e6 * ((n % 6) / 6.0) + r * 2e5'],
  ['nodejs.memory.heap_total', '60e6 + (i % 50) * 2e6 + leak * n + 10e6'],
  ['nodejs.memory.heap_used', '30e6 + (i % 50) * 2e6 + leak * n + 25e6 * ((n % 6) / 6.0)'],
  ['nodejs.memory.external', '3e6'],
  ['nodejs.memory.array_buffers', '1e6'],
  // A floor reading when a major GC ran: one sample in six.
  ['v8js.memory.heap.used_after_gc', 'CASE WHEN n % 6 = 5 THEN 30e6 + (i % 50) * 2e6 + leak * n + r * 5e5 END'],
  ['v8js.memory.heap.limit', '4345298944'],
  ['v8js.memory.heap.malloced', '1e6'],
  ['v8js.contexts.native', '1'],
  ['v8js.contexts.detached', '0'],
  ['v8js.memory.heap.fragmentation{space=all}', '0.3 + 0.3 * ((n % 6) / 6.0)'],
  ['v8js.memory.heap.fragmentation{space=old}', '0.2 + 0.3 * ((n % 6) / 6.0)'],
  ['v8js.memory.heap.space.size{space=old}', '40e6'],
  ['v8js.gc.time_fraction', '0.002 + r * 0.001'],
  ['v8js.gc.pause.count{kind=major}', 'floor(n / 6)'],
  ['v8js.gc.pause.count{kind=minor}', 'n * 3'],
  ['v8js.gc.pause.total{kind=major}', 'n * 0.001'],
  ['v8js.gc.pause.total{kind=minor}', 'n * 0.002'],
  ['nodejs.eventloop.delay.p99', '0.002'],
  ['nodejs.active_resources{type=TCPSocketWrap}', '5 + floor(r * 3)'],
  ['nodejs.active_resources{type=Timeout}', '3'],
  ['process.open_fds{kind=total}', '30 + floor(r * 5)'],
  ['process.threads', '11'],
  ['process.cpu.time', 'n * 0.05'],
];

export interface Fleet {
  projectId: string;
  instanceIds: string[];
  pySet: number;
  nodeSet: number;
}

/** Creates `count` instances (every third a Node one) in apps of 100, all started before the data begins. */
export async function createFleet(pool: pg.Pool, projectId: string, count: number, startedAtMs: number): Promise<Fleet> {
  await pool.query(
    `INSERT INTO apps (id, project_id, name) SELECT gen_random_uuid(), $1, 'bench-app-' || a FROM generate_series(0, $2 - 1) a`,
    [projectId, Math.ceil(count / 100)],
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO instances (project_id, app_id, agent_instance_id, host, pid, runtime, runtime_version, agent_name, agent_version, started_at, last_seen_at)
     SELECT $1, (SELECT id FROM apps WHERE project_id = $1 AND name = 'bench-app-' || (i / 100)), 'bench-' || i, 'host-' || (i % 50), 1000 + i,
            CASE WHEN i % 3 = 2 THEN 'node' ELSE 'cpython' END, '3.11.7', 'memsight-bench', '0', to_timestamp($3 / 1000.0), now()
       FROM generate_series(0, $2 - 1) i ORDER BY i
     RETURNING id::text AS id`,
    [projectId, count, startedAtMs],
  );
  return {
    projectId,
    instanceIds: rows.map((r) => r.id),
    pySet: await upsertMetricSet(pool, PY_METRICS.map(([m]) => m)),
    nodeSet: await upsertMetricSet(pool, NODE_METRICS.map(([m]) => m)),
  };
}

const array = (metrics: [string, string][]) => `ARRAY[${metrics.map(([, e]) => `(${e})::float8`).join(', ')}]`;

/**
 * Samples n ∈ [fromN, toN) at `stepMs` ending near `endMs`, for instances in chunks.
 * Leakers (every 40th) grow 15 MB/h: 41.7 KB per 10 s sample.
 */
export async function insertFleetSamples(pool: pg.Pool, fleet: Fleet, o: { fromN: number; toN: number; stepMs: number; originMs: number }): Promise<number> {
  await ensureSamplePartitions(pool, o.originMs + o.fromN * o.stepMs, o.originMs + o.toN * o.stepMs);
  let rows = 0;
  const chunk = 500;
  for (let c = 0; c < fleet.instanceIds.length; c += chunk) {
    const ids = fleet.instanceIds.slice(c, c + chunk);
    const res = await pool.query(
      `INSERT INTO samples (instance_id, ts, metric_set_id, values)
       SELECT x.id, to_timestamp(($2::float8 + n * $3::float8) / 1000.0),
              CASE WHEN x.node THEN $6::int ELSE $5::int END,
              CASE WHEN x.node THEN ${array(NODE_METRICS)} ELSE ${array(PY_METRICS)} END
         FROM (SELECT id::bigint AS id, ord - 1 + $7::int AS i, (ord - 1 + $7::int) % 3 = 2 AS node,
                      CASE WHEN (ord - 1 + $7::int) % 40 = 0 THEN 41700.0 ELSE 0 END AS leak
                 FROM unnest($1::text[]) WITH ORDINALITY AS u(id, ord)) x
        CROSS JOIN generate_series($4::int, $8::int - 1) AS n
        CROSS JOIN LATERAL (SELECT random() + 0 * n AS r) rr`,
      [ids, o.originMs, o.stepMs, o.fromN, fleet.pySet, fleet.nodeSet, c, o.toN],
    );
    rows += res.rowCount ?? 0;
  }
  await pool.query('UPDATE instances SET last_seen_at = now() WHERE project_id = $1', [fleet.projectId]);
  return rows;
}
