// The benchmark's fleet in the default project: apps of one runtime each
// (three Python services in five), instances with the identity rows an
// agent's first batch would create, and who leaks what. About one instance
// in eight has a rising floor (5 to 25 MB/h); one in 25 also leaks sockets.
import type pg from 'pg';
import { upsertMetricSet } from '@memsight/db';
import { NODE_METRICS, PYTHON_METRICS } from './fleet-metrics';

export type Runtime = 'cpython' | 'node';

export interface FleetInstance {
  id: string;
  agentInstanceId: string;
  appId: string;
  runtime: Runtime;
  baseBytes: number;
  leakBytesPerSecond: number;
  socketLeakPerSecond: number;
}

export interface Fleet {
  projectId: string;
  apps: { id: string; name: string; runtime: Runtime }[];
  instances: FleetInstance[];
  metricSetOf: Record<Runtime, number>;
}

const SERVICES = ['checkout', 'search', 'billing', 'gateway', 'auth', 'catalog', 'orders', 'payments', 'inventory', 'notify'];
const ROLES = ['api', 'worker', 'web', 'cron', 'stream'];

export function appName(a: number): string {
  const name = `${SERVICES[a % SERVICES.length]}-${ROLES[Math.floor(a / SERVICES.length) % ROLES.length]}`;
  return a < SERVICES.length * ROLES.length ? name : `${name}-${Math.floor(a / (SERVICES.length * ROLES.length))}`;
}

const runtimeOf = (a: number): Runtime => (a % 5 < 3 ? 'cpython' : 'node');

export function leakBytesPerSecond(i: number): number {
  return i % 8 === 3 ? ((5 + ((i * 7) % 21)) * 1e6) / 3600 : 0;
}

/** Creates the apps and instances (started an hour before the day of data begins) and the two metric sets. */
export async function createFleet(pool: pg.Pool, projectId: string, o: { apps: number; instancesPerApp: number; originMs: number }): Promise<Fleet> {
  const names = Array.from({ length: o.apps }, (_, a) => appName(a));
  const { rows: appRows } = await pool.query<{ id: string; name: string }>(
    `INSERT INTO apps (id, project_id, name, created_at) SELECT gen_random_uuid(), $1, n, to_timestamp($3 / 1000.0) FROM unnest($2::text[]) AS n RETURNING id, name`,
    [projectId, names, o.originMs - 3 * 86_400_000],
  );
  const appIdOf = new Map(appRows.map((r) => [r.name, r.id]));
  const apps = names.map((name, a) => ({ id: appIdOf.get(name)!, name, runtime: runtimeOf(a) }));
  const planned = apps.flatMap((app, a) =>
    Array.from({ length: o.instancesPerApp }, (_, k) => {
      const i = a * o.instancesPerApp + k;
      const py = app.runtime === 'cpython';
      return {
        agentInstanceId: `${py ? 'py' : 'node'}-${app.name}-${k}`,
        appId: app.id,
        runtime: app.runtime,
        host: `ip-10-${a}-${k}-${10 + (i % 200)}`,
        pid: 1000 + ((i * 37) % 30000),
        worker: py ? `gunicorn:${k}` : null,
        baseBytes: (py ? 70e6 : 110e6) + (k % 5) * 6e6 + (a % 7) * 9e6,
        leakBytesPerSecond: leakBytesPerSecond(i),
        socketLeakPerSecond: i % 25 === 7 ? 1 / 150 : 0,
      };
    }),
  );
  const startedAt = new Date(o.originMs - 3_600_000);
  const { rows } = await pool.query<{ id: string; agentInstanceId: string }>(
    `INSERT INTO instances (project_id, app_id, agent_instance_id, host, pid, runtime, runtime_version, app_version, worker,
                            agent_name, agent_version, started_at, labels, memory_limit_bytes, first_seen_at, last_seen_at)
     SELECT $1, p.app_id, p.agent_id, p.host, p.pid, p.runtime,
            CASE WHEN p.runtime = 'node' THEN '22.11.0' ELSE '3.12.3' END, 'v1.5.0', p.worker,
            CASE WHEN p.runtime = 'node' THEN 'memsight-node' ELSE 'memsight-python' END, '0.1.0', $8,
            '{"env":"prod","region":"eu-west-1"}'::jsonb, CASE WHEN p.runtime = 'node' THEN NULL ELSE 1073741824 END, $8, now()
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[]) AS p(app_id, agent_id, host, pid, runtime, worker)
     RETURNING id::text AS id, agent_instance_id AS "agentInstanceId"`,
    [projectId, ...['appId', 'agentInstanceId', 'host', 'pid', 'runtime', 'worker'].map((k) => planned.map((p) => p[k as keyof typeof p])), startedAt],
  );
  const idOf = new Map(rows.map((r) => [r.agentInstanceId, r.id]));
  return {
    projectId,
    apps,
    instances: planned.map((p) => ({ ...p, id: idOf.get(p.agentInstanceId)! })),
    metricSetOf: {
      cpython: await upsertMetricSet(pool, PYTHON_METRICS.map(([m]) => m)),
      node: await upsertMetricSet(pool, NODE_METRICS.map(([m]) => m)),
    },
  };
}

/** Deploy markers as ingest records them: each app's previous version three days back, the current one a few hours ago. */
export async function addDeployMarkers(pool: pg.Pool, fleet: Fleet, nowMs: number): Promise<number> {
  const ids = fleet.apps.map((a) => a.id);
  const { rowCount } = await pool.query(
    `INSERT INTO deploy_markers (id, app_id, version, previous_version, ts)
     SELECT gen_random_uuid(), a.id, v.version, v.previous, to_timestamp(($2::float8 - v.ago_ms - a.ord * 600000) / 1000.0)
       FROM unnest($1::uuid[]) WITH ORDINALITY AS a(id, ord)
      CROSS JOIN (VALUES ('v1.4.0', NULL, 259200000), ('v1.5.0', 'v1.4.0', 3600000)) AS v(version, previous, ago_ms)`,
    [ids, nowMs],
  );
  return rowCount ?? 0;
}
