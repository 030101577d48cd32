import type pg from 'pg';
import type { AlertKind, Severity } from '@memsight/contracts';

export interface OpenAlert {
  id: string;
  ruleId: string;
  instanceId: string;
  projectId: string;
  appId: string;
  kind: AlertKind;
  state: 'pending' | 'firing';
  severity: Severity;
  startedAtMs: number;
  firedAtMs: number | null;
  clearSinceMs: number | null;
}

export const fingerprint = (ruleId: string, instanceId: string) => `${ruleId}:${instanceId}`;

/** Every pending or firing alert: the lifecycle's starting point after a start or a failover. */
export async function listOpenAlerts(db: pg.Pool | pg.ClientBase): Promise<OpenAlert[]> {
  const { rows } = await db.query<OpenAlert>(
    `SELECT id, rule_id AS "ruleId", instance_id::text AS "instanceId", project_id AS "projectId", app_id AS "appId", kind, state, severity,
            (extract(epoch FROM started_at) * 1000)::float8 AS "startedAtMs",
            (extract(epoch FROM fired_at) * 1000)::float8 AS "firedAtMs",
            (extract(epoch FROM clear_since) * 1000)::float8 AS "clearSinceMs"
       FROM alerts WHERE state <> 'resolved'`,
  );
  return rows;
}
