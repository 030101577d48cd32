import type pg from 'pg';
import type { AlertKind, Severity } from '@memsight/contracts';

export interface RuleRow {
  id: string;
  projectId: string;
  appId: string | null;
  instanceId: string | null;
  kind: AlertKind;
  name: string;
  enabled: boolean;
  severity: Severity;
  forSeconds: number;
  keepFiringForSeconds: number;
  params: unknown;
  builtin: boolean;
}

/** Every rule of the given projects, disabled ones included (a disabled override switches its detector off in its scope). */
export async function listRules(db: pg.Pool | pg.ClientBase, projectIds: string[]): Promise<RuleRow[]> {
  const { rows } = await db.query<RuleRow>(
    `SELECT id, project_id AS "projectId", app_id AS "appId", instance_id::text AS "instanceId", kind, name, enabled,
            severity, for_seconds AS "forSeconds", keep_firing_for_seconds AS "keepFiringForSeconds", params, builtin
       FROM alert_rules WHERE project_id = ANY($1::uuid[])`,
    [projectIds],
  );
  return rows;
}
