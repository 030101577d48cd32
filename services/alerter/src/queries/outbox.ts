// The outbox's second half: due notifications, and what happened to each try.
import type pg from 'pg';
import { inTransaction } from '@memsight/db';
import type { EmailContent, RenderedEmail } from '../notify/render/index';

export interface DueNotification {
  id: string;
  projectId: string;
  messageId: string;
  attempts: number;
  to: string;
  content: EmailContent;
}

const at = (ms: number) => new Date(ms).toISOString();

export async function dueNotifications(db: pg.ClientBase, nowMs: number, limit: number): Promise<DueNotification[]> {
  const { rows } = await db.query<DueNotification>(
    `SELECT n.id, n.project_id AS "projectId", n.message_id AS "messageId", n.attempts, c.target AS "to", n.payload AS content
       FROM notifications n JOIN notification_channels c ON c.id = n.channel_id
      WHERE n.status = 'pending' AND n.next_attempt_at <= $1::timestamptz
      ORDER BY n.next_attempt_at, n.created_at LIMIT $2`,
    [at(nowMs), limit],
  );
  return rows;
}

export async function markSent(db: pg.ClientBase, id: string, nowMs: number): Promise<void> {
  await db.query(`UPDATE notifications SET status = 'sent', sent_at = $2::timestamptz, attempts = attempts + 1, last_error = NULL WHERE id = $1`, [id, at(nowMs)]);
}

/** A failed try: the next one after `retryAtMs`, or none (`failed`) when `give up` is set. */
export async function markFailedTry(db: pg.ClientBase, id: string, error: string, retryAtMs: number, giveUp: boolean): Promise<void> {
  await db.query(
    `UPDATE notifications SET attempts = attempts + 1, last_error = left($2, 1000), next_attempt_at = $3::timestamptz,
            status = CASE WHEN $4 THEN 'failed' ELSE status END
      WHERE id = $1`,
    [id, error, at(retryAtMs), giveUp],
  );
}

/** With no SMTP server: keep the email and mark it sent, in one transaction (so exactly once, trivially). */
export function deliverToMailbox(db: pg.ClientBase, n: DueNotification, email: RenderedEmail, nowMs: number): Promise<void> {
  return inTransaction(db, async () => {
    await db.query(
      `INSERT INTO mailbox_messages (project_id, notification_id, message_id, to_address, subject, text, html, attachments, alert_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::uuid[]) ON CONFLICT (notification_id) DO NOTHING`,
      [
        n.projectId, n.id, n.messageId, n.to, email.subject, email.text, email.html,
        JSON.stringify(email.attachments.map((a) => ({ cid: a.cid, filename: a.filename, contentType: a.contentType, base64: a.content.toString('base64') }))),
        [...new Set(n.content.items.map((i) => i.alert.id))],
      ],
    );
    await markSent(db, n.id, nowMs);
  });
}
