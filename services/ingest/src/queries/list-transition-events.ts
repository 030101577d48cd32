// Alert transitions as the live feed's events. The same query serves the
// socket.io relay (one transition by id) and a reconnecting client catching up
// (every transition of its project after its cursor).
import type pg from 'pg';
import { selectAlertSummaries } from '@memsight/db';
import type { AlertTransitionEvent } from '@memsight/contracts';

interface Row {
  id: string;
  alertId: string;
  projectId: string;
  from: AlertTransitionEvent['transition']['from'];
  to: AlertTransitionEvent['transition']['to'];
  at: Date;
  reason: string;
}

const SELECT = `SELECT id::text AS id, alert_id AS "alertId", project_id AS "projectId", from_state AS "from", to_state AS "to", at, reason
                  FROM alert_transitions`;

async function toEvents(pool: pg.Pool, rows: Row[], nowMs: number): Promise<(AlertTransitionEvent & { projectId: string })[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.alertId))];
  const alerts = new Map((await selectAlertSummaries(pool, { ids, limit: ids.length }, nowMs)).map((a) => [a.id, a]));
  return rows.flatMap((r) => {
    const alert = alerts.get(r.alertId);
    if (!alert) return [];
    const { projectId, ...t } = r;
    return [{ projectId, cursor: r.id, transition: { ...t, at: t.at.toISOString() }, alert }];
  });
}

export async function getTransitionEvent(pool: pg.Pool, transitionId: string, nowMs: number) {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE id = $1`, [transitionId]);
  return (await toEvents(pool, rows, nowMs))[0];
}

/** A project's transitions after `afterId`, oldest first. */
export async function listTransitionEvents(pool: pg.Pool, projectId: string, afterId: string, limit: number, nowMs: number) {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE project_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [projectId, afterId, limit]);
  return toEvents(pool, rows, nowMs);
}

/** Every project's transitions after `afterId`, oldest first: the relay catching up after its session was lost. */
export async function listTransitionEventsSince(pool: pg.Pool, afterId: string, limit: number, nowMs: number) {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
  return toEvents(pool, rows, nowMs);
}

/** The newest transition's id ('0' for none): where a relay starting now begins. */
export async function newestTransitionId(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM alert_transitions`);
  return rows[0]!.id;
}
