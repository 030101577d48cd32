// Alerts, as the API reads and acknowledges them.
import type pg from 'pg';
import type { AlertTransition } from '@memsight/contracts';

export async function listAlertTransitions(pool: pg.Pool, alertId: string): Promise<AlertTransition[]> {
  const { rows } = await pool.query<Omit<AlertTransition, 'at'> & { at: Date }>(
    `SELECT id::text AS id, alert_id AS "alertId", from_state AS "from", to_state AS "to", at, reason
       FROM alert_transitions WHERE alert_id = $1 ORDER BY id`,
    [alertId],
  );
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** Sets or clears an acknowledgement; false when the alert is not in the project. */
export async function setAcknowledgement(
  pool: pg.Pool,
  projectId: string,
  alertId: string,
  ack: { atMs: number; expiresAtMs: number | null; comment: string | null } | null,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE alerts SET ack_at = $3::timestamptz, ack_expires_at = $4::timestamptz, ack_comment = $5 WHERE project_id = $1 AND id = $2`,
    [projectId, alertId, ack ? new Date(ack.atMs).toISOString() : null, ack?.expiresAtMs ? new Date(ack.expiresAtMs).toISOString() : null, ack?.comment ?? null],
  );
  return (rowCount ?? 0) > 0;
}

/** The newest transition id of a project: where a fresh client's live feed starts. */
export async function latestTransitionId(pool: pg.Pool, projectId: string): Promise<string> {
  const { rows } = await pool.query<{ id: string | null }>('SELECT max(id)::text AS id FROM alert_transitions WHERE project_id = $1', [projectId]);
  return rows[0]?.id ?? '0';
}
