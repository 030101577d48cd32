import type pg from 'pg';

export interface InstanceOfApp {
  id: string;
  appId: string;
}

/**
 * The instances the overview looks at: those seen since `sinceMs`, and any
 * older one that still has an open alert (it counts in its app's alerts and
 * may be a suspect). Dead instances of long ago are left out, so the work
 * stays proportional to what is running. Ordered by id, so the sparkline
 * query splits them the same way every time.
 */
export async function listOverviewInstances(pool: pg.Pool, projectId: string, sinceMs: number): Promise<InstanceOfApp[]> {
  const { rows } = await pool.query<InstanceOfApp>(
    `SELECT i.id, i.app_id AS "appId" FROM instances i
      WHERE i.project_id = $1 AND i.last_seen_at >= to_timestamp($2 / 1000.0)
     UNION
     SELECT a.instance_id, a.app_id FROM alerts a WHERE a.project_id = $1 AND a.state <> 'resolved'
     ORDER BY 1`,
    [projectId, sinceMs],
  );
  return rows;
}
