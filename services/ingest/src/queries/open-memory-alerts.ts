// The open leak and time-to-limit alerts of a project with their instance:
// what the overview ranks into leak suspects. Only the evidence fields it
// ranks by leave the database (evidence also holds whole series).
import type pg from 'pg';

export interface OpenMemoryAlert {
  id: string;
  kind: 'leak' | 'time-to-limit';
  state: 'pending' | 'firing';
  value: number | null;
  startedAt: Date;
  instanceId: string;
  appId: string;
  appName: string;
  host: string;
  pid: number;
  worker: string | null;
  runtime: string;
  rateBytesPerHour: number | null;
  growthStartedAt: string | null;
  /** evidence.forecast as stored: checked by the caller, since evidence is free-form JSON. */
  forecast: unknown;
}

export async function listOpenMemoryAlerts(pool: pg.Pool, projectId: string): Promise<OpenMemoryAlert[]> {
  const { rows } = await pool.query<OpenMemoryAlert>(
    `SELECT a.id, a.kind, a.state, a.value, a.started_at AS "startedAt",
            a.instance_id::text AS "instanceId", a.app_id AS "appId", ap.name AS "appName",
            i.host, i.pid, i.worker, i.runtime,
            CASE WHEN jsonb_typeof(a.evidence->'rateBytesPerHour') = 'number' THEN (a.evidence->>'rateBytesPerHour')::float8 END AS "rateBytesPerHour",
            a.evidence->>'growthStartedAt' AS "growthStartedAt",
            a.evidence->'forecast' AS forecast
       FROM alerts a JOIN instances i ON i.id = a.instance_id JOIN apps ap ON ap.id = a.app_id
      WHERE a.project_id = $1 AND a.state <> 'resolved' AND a.kind IN ('leak', 'time-to-limit')
      ORDER BY a.started_at, a.id`,
    [projectId],
  );
  return rows;
}
