import type pg from 'pg';
import type { IngestBatch } from '@memsight/contracts';

export interface UpsertedInstance {
  id: string;
  appId: string;
  inserted: boolean;
}

/** Creates or refreshes the app and instance a batch speaks for. */
export async function upsertInstance(
  pool: pg.Pool | pg.ClientBase,
  projectId: string,
  agent: IngestBatch['agent'],
  instance: IngestBatch['instance'],
  seenAtMs: number,
): Promise<UpsertedInstance> {
  const { rows } = await pool.query<UpsertedInstance>(
    `WITH app AS (
       INSERT INTO apps (id, project_id, name) VALUES (gen_random_uuid(), $1, $2)
       ON CONFLICT (project_id, name) DO UPDATE SET name = EXCLUDED.name
       RETURNING id
     )
     INSERT INTO instances (project_id, app_id, agent_instance_id, host, pid, runtime, runtime_version,
                            app_version, agent_name, agent_version, started_at, labels, memory_limit_bytes, last_seen_at, worker)
     SELECT $1, app.id, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0), $12::jsonb, $13, to_timestamp($14 / 1000.0), $15
       FROM app
     ON CONFLICT (project_id, agent_instance_id) DO UPDATE SET
       app_version = EXCLUDED.app_version,
       labels = EXCLUDED.labels,
       worker = EXCLUDED.worker,
       memory_limit_bytes = EXCLUDED.memory_limit_bytes,
       last_seen_at = greatest(instances.last_seen_at, EXCLUDED.last_seen_at)
     RETURNING id::text AS id, app_id AS "appId", (xmax = 0) AS inserted`,
    [
      projectId,
      instance.app,
      instance.id,
      instance.host,
      instance.pid,
      instance.runtime,
      instance.runtimeVersion,
      instance.appVersion ?? null,
      agent.name,
      agent.version,
      instance.startedAt,
      JSON.stringify(instance.labels ?? {}),
      instance.memoryLimitBytes ?? null,
      seenAtMs,
      instance.worker ?? null,
    ],
  );
  return rows[0]!;
}

/** Records the first time an app reports a version, with the version before it. */
export async function recordDeployMarker(pool: pg.Pool, appId: string, version: string, atMs: number): Promise<void> {
  await pool.query(
    `INSERT INTO deploy_markers (id, app_id, version, previous_version, ts)
     SELECT gen_random_uuid(), $1, $2,
            (SELECT version FROM deploy_markers WHERE app_id = $1 ORDER BY ts DESC LIMIT 1),
            to_timestamp($3 / 1000.0)
     ON CONFLICT (app_id, version) DO NOTHING`,
    [appId, version, atMs],
  );
}
