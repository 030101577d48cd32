// What the cardinality caps are checked against (lib/registries.ts), asked
// only on a registry cache miss. Each count is computed only when the thing
// is new: an existing app, instance or metric list is never counted, so what
// already reports keeps working when a cap is reached.
import type pg from 'pg';

export interface InstanceCounts {
  instanceKnown: boolean;
  appKnown: boolean;
  /** The project's apps, when this app is new. */
  apps: number | null;
  /** The app's instances seen since `sinceMs`, when this instance is new and its app is not. */
  instances: number | null;
}

export async function countForNewInstance(
  pool: pg.Pool | pg.ClientBase,
  projectId: string,
  appName: string,
  agentInstanceId: string,
  sinceMs: number,
): Promise<InstanceCounts> {
  const { rows } = await pool.query<InstanceCounts>(
    `WITH known AS (SELECT 1 FROM instances WHERE project_id = $1 AND agent_instance_id = $3),
          app AS (SELECT id FROM apps WHERE project_id = $1 AND name = $2)
     SELECT EXISTS (SELECT 1 FROM known) AS "instanceKnown",
            EXISTS (SELECT 1 FROM app) AS "appKnown",
            CASE WHEN NOT EXISTS (SELECT 1 FROM app) THEN (SELECT count(*)::int FROM apps WHERE project_id = $1) END AS apps,
            CASE WHEN NOT EXISTS (SELECT 1 FROM known) AND EXISTS (SELECT 1 FROM app)
                 THEN (SELECT count(*)::int FROM instances WHERE app_id = (SELECT id FROM app) AND last_seen_at >= to_timestamp($4 / 1000.0)) END AS instances`,
    [projectId, appName, agentInstanceId, sinceMs],
  );
  return rows[0]!;
}

/** The id of a metric list this project already uses (null if it uses none such), and how many lists it uses. */
export async function countForMetricSet(pool: pg.Pool | pg.ClientBase, projectId: string, namesHash: string): Promise<{ knownId: number | null; used: number }> {
  const { rows } = await pool.query<{ knownId: number | null; used: number }>(
    `SELECT (SELECT pms.metric_set_id FROM project_metric_sets pms JOIN metric_sets ms ON ms.id = pms.metric_set_id
              WHERE pms.project_id = $1 AND ms.names_hash = $2) AS "knownId",
            (SELECT count(*)::int FROM project_metric_sets WHERE project_id = $1) AS used`,
    [projectId, namesHash],
  );
  return rows[0]!;
}

export async function recordProjectMetricSet(pool: pg.Pool | pg.ClientBase, projectId: string, metricSetId: number): Promise<void> {
  await pool.query('INSERT INTO project_metric_sets (project_id, metric_set_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [projectId, metricSetId]);
}
