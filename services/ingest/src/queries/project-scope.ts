import type pg from 'pg';

/** Whether an app (and, if given, an instance of it) belongs to the project. */
export async function findScope(pool: pg.Pool, projectId: string, appId: string | null, instanceId: string | null): Promise<{ app: boolean; instance: boolean; instanceAppId: string | null }> {
  const { rows } = await pool.query<{ app: boolean; instanceAppId: string | null }>(
    `SELECT ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM apps WHERE project_id = $1 AND id = $2)) AS app,
            (SELECT app_id FROM instances WHERE project_id = $1 AND id = $3::bigint) AS "instanceAppId"`,
    [projectId, appId, instanceId],
  );
  const r = rows[0]!;
  return { app: r.app, instance: instanceId === null || r.instanceAppId !== null, instanceAppId: r.instanceAppId };
}
