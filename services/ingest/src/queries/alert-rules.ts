// alert_rules rows as the contract's AlertRule.
import type pg from 'pg';
import type { AlertKind, AlertRule, Severity } from '@memsight/contracts';

const SELECT = `SELECT id, name, kind, app_id AS "appId", instance_id::text AS "instanceId", enabled, severity,
                       for_seconds AS "forSeconds", keep_firing_for_seconds AS "keepFiringForSeconds", params, builtin,
                       created_at AS "createdAt", updated_at AS "updatedAt"
                  FROM alert_rules`;

type Row = Omit<AlertRule, 'createdAt' | 'updatedAt' | 'params'> & { params: Record<string, unknown>; createdAt: Date; updatedAt: Date };
const toRule = (r: Row): AlertRule => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

export async function listAlertRules(pool: pg.Pool, projectId: string, f: { appId?: string; kind?: AlertKind }): Promise<AlertRule[]> {
  const { rows } = await pool.query<Row>(
    `${SELECT} WHERE project_id = $1 AND ($2::uuid IS NULL OR app_id = $2) AND ($3::text IS NULL OR kind = $3)
      ORDER BY builtin DESC, kind, created_at`,
    [projectId, f.appId ?? null, f.kind ?? null],
  );
  return rows.map(toRule);
}

export async function getAlertRule(pool: pg.Pool, projectId: string, id: string): Promise<AlertRule | undefined> {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE project_id = $1 AND id = $2`, [projectId, id]);
  return rows[0] && toRule(rows[0]);
}

export interface AlertRuleValues {
  name: string;
  enabled: boolean;
  severity: Severity;
  forSeconds: number;
  keepFiringForSeconds: number;
  params: Record<string, unknown>;
}

export async function insertAlertRule(
  pool: pg.Pool,
  projectId: string,
  rule: AlertRuleValues & { kind: AlertKind; appId: string | null; instanceId: string | null },
): Promise<AlertRule> {
  const { rows } = await pool.query<Row>(
    `WITH r AS (
       INSERT INTO alert_rules (id, project_id, app_id, instance_id, kind, name, enabled, severity, for_seconds, keep_firing_for_seconds, params)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) RETURNING *)
     SELECT id, name, kind, app_id AS "appId", instance_id::text AS "instanceId", enabled, severity, for_seconds AS "forSeconds",
            keep_firing_for_seconds AS "keepFiringForSeconds", params, builtin, created_at AS "createdAt", updated_at AS "updatedAt" FROM r`,
    [projectId, rule.appId, rule.instanceId, rule.kind, rule.name, rule.enabled, rule.severity, rule.forSeconds, rule.keepFiringForSeconds, JSON.stringify(rule.params)],
  );
  return toRule(rows[0]!);
}

export async function updateAlertRule(pool: pg.Pool, projectId: string, id: string, rule: AlertRuleValues): Promise<AlertRule | undefined> {
  const { rows } = await pool.query<Row>(
    `WITH r AS (
       UPDATE alert_rules SET name = $3, enabled = $4, severity = $5, for_seconds = $6, keep_firing_for_seconds = $7, params = $8::jsonb, updated_at = now()
        WHERE project_id = $1 AND id = $2 RETURNING *)
     SELECT id, name, kind, app_id AS "appId", instance_id::text AS "instanceId", enabled, severity, for_seconds AS "forSeconds",
            keep_firing_for_seconds AS "keepFiringForSeconds", params, builtin, created_at AS "createdAt", updated_at AS "updatedAt" FROM r`,
    [projectId, id, rule.name, rule.enabled, rule.severity, rule.forSeconds, rule.keepFiringForSeconds, JSON.stringify(rule.params)],
  );
  return rows[0] && toRule(rows[0]);
}

/** Deletes a rule (its alerts go with it). Builtin rules are only ever disabled. */
export async function deleteAlertRule(pool: pg.Pool, projectId: string, id: string): Promise<'deleted' | 'missing' | 'builtin'> {
  const { rows } = await pool.query<{ builtin: boolean }>(
    `WITH target AS (SELECT id, builtin FROM alert_rules WHERE project_id = $1 AND id = $2),
          gone AS (DELETE FROM alert_rules WHERE id IN (SELECT id FROM target WHERE NOT builtin) RETURNING id)
     SELECT builtin FROM target`,
    [projectId, id],
  );
  if (!rows[0]) return 'missing';
  return rows[0].builtin ? 'builtin' : 'deleted';
}

/** The alerter re-reads rules when told. */
export async function notifyRulesChanged(pool: pg.Pool, channel: string, projectId: string): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [channel, projectId]);
}
