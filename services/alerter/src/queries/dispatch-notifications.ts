// The outbox's first half, in one transaction: pending transitions (and due
// reminders) become notification rows, one per channel, each with a snapshot
// of the alerts as they are now, and the transitions are marked dispatched or
// silenced. Whatever happens later, a transition is in exactly one
// notification per channel (notification_items' unique index says so too).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inTransaction, selectAlertSummaries } from '@memsight/db';
import type { AlertKind } from '@memsight/contracts';
import { planNotifications, type ActiveSilence, type PendingTransition, type ReminderCandidate } from '../lifecycle/group-notifications';
import type { EmailContent } from '../notify/render/index';

export interface DispatchOptions {
  nowMs: number;
  groupWaitMs: number;
  repeatIntervalMs: number;
  dashboardUrl: string;
}

const at = (ms: number) => new Date(ms).toISOString();

export async function dispatchNotifications(session: pg.ClientBase, o: DispatchOptions): Promise<{ notifications: number; transitions: number }> {
  return inTransaction(session, async () => {
    const { rows: transitions } = await session.query<PendingTransition>(
      `SELECT t.id::text AS id, t.alert_id AS "alertId", t.project_id AS "projectId", a.app_id AS "appId", a.instance_id::text AS "instanceId",
              a.kind, t.to_state AS "to", (extract(epoch FROM t.at) * 1000)::float8 AS "atMs"
         FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
        WHERE t.dispatch = 'pending' ORDER BY t.id LIMIT 1000 FOR UPDATE OF t`,
    );
    const { rows: reminders } = await session.query<ReminderCandidate>(
      `SELECT a.id AS "alertId", a.project_id AS "projectId", a.app_id AS "appId", a.instance_id::text AS "instanceId", a.kind
         FROM alerts a
        WHERE a.state = 'firing' AND (a.ack_at IS NULL OR a.ack_expires_at <= $1::timestamptz)
          AND (a.last_notified_at IS NULL OR a.last_notified_at <= $1::timestamptz - make_interval(secs => $2 / 1000.0))
          AND NOT EXISTS (SELECT 1 FROM alert_transitions t WHERE t.alert_id = a.id AND t.dispatch = 'pending')
        LIMIT 1000`,
      [at(o.nowMs), o.repeatIntervalMs],
    );
    const projectIds = [...new Set([...transitions, ...reminders].map((x) => x.projectId))];
    if (projectIds.length === 0) return { notifications: 0, transitions: 0 };
    const { rows: silences } = await session.query<ActiveSilence>(
      `SELECT project_id AS "projectId", app_id AS "appId", instance_id::text AS "instanceId", kind FROM silences
        WHERE project_id = ANY($1::uuid[]) AND starts_at <= $2::timestamptz AND ends_at > $2::timestamptz`,
      [projectIds, at(o.nowMs)],
    );
    const { rows: channels } = await session.query<{ projectId: string; id: string }>(
      `SELECT project_id AS "projectId", id FROM notification_channels WHERE project_id = ANY($1::uuid[]) AND enabled ORDER BY created_at`,
      [projectIds],
    );
    const channelsByProject = new Map<string, string[]>();
    for (const c of channels) channelsByProject.set(c.projectId, [...(channelsByProject.get(c.projectId) ?? []), c.id]);
    const plan = planNotifications({ nowMs: o.nowMs, groupWaitMs: o.groupWaitMs, transitions, reminders, silences, channelsByProject });

    await session.query(`UPDATE alert_transitions SET dispatch = 'silenced' WHERE id = ANY($1::bigint[])`, [plan.silenced]);
    await session.query(`UPDATE alert_transitions SET dispatch = 'dispatched' WHERE id = ANY($1::bigint[])`, [plan.dispatched]);
    await session.query(`UPDATE alerts SET last_notified_at = $2::timestamptz WHERE id = ANY($1::uuid[])`, [plan.notifiedAlertIds, at(o.nowMs)]);
    if (plan.notifications.length) await insertNotifications(session, plan.notifications, o);
    return { notifications: plan.notifications.length, transitions: plan.dispatched.length + plan.silenced.length };
  });
}

async function insertNotifications(session: pg.ClientBase, planned: ReturnType<typeof planNotifications>['notifications'], o: DispatchOptions): Promise<void> {
  const alertIds = [...new Set(planned.flatMap((n) => n.items.map((i) => i.alertId)))];
  const summaries = new Map((await selectAlertSummaries(session, { ids: alertIds, limit: alertIds.length }, o.nowMs, true)).map((a) => [a.id, a]));
  const { rows: projects } = await session.query<{ id: string; name: string }>('SELECT id, name FROM projects WHERE id = ANY($1::uuid[])', [
    [...new Set(planned.map((n) => n.projectId))],
  ]);
  const projectName = new Map(projects.map((p) => [p.id, p.name]));
  const base = o.dashboardUrl.replace(/\/+$/, '');
  const rows = planned.flatMap((n) => {
    const items = n.items.flatMap((i) => {
      const alert = summaries.get(i.alertId);
      if (!alert) return [];
      const { evidence, ...summary } = alert;
      return [{ change: i.change, alert: summary, evidence: evidence ?? { nextStep: '' }, url: `${base}${summary.link}` }];
    });
    const content: EmailContent = {
      projectName: projectName.get(n.projectId) ?? '',
      appName: items[0]?.alert.appName ?? '',
      kind: n.kind as AlertKind,
      items,
      dashboardUrl: `${base}/`,
    };
    const id = randomUUID();
    // Alerts deleted with their rule since the transition: nothing left to tell.
    return items.length ? [{ id, n, content, messageId: `${id}@memsight` }] : [];
  });
  await session.query(
    `INSERT INTO notifications (id, project_id, channel_id, group_key, payload, message_id, next_attempt_at)
     SELECT * , $7::timestamptz FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[], $6::text[])`,
    [rows.map((r) => r.id), rows.map((r) => r.n.projectId), rows.map((r) => r.n.channelId), rows.map((r) => r.n.groupKey),
     rows.map((r) => JSON.stringify(r.content)), rows.map((r) => r.messageId), at(o.nowMs)],
  );
  const items = rows.flatMap((r) => r.n.items.filter((i) => summaries.has(i.alertId)).map((i) => ({ ...i, notificationId: r.id, channelId: r.n.channelId })));
  await session.query(
    `INSERT INTO notification_items (notification_id, channel_id, alert_id, transition_id, change)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[])`,
    [items.map((i) => i.notificationId), items.map((i) => i.channelId), items.map((i) => i.alertId), items.map((i) => i.transitionId), items.map((i) => i.change)],
  );
}
