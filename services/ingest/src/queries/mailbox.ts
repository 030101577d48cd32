import type pg from 'pg';
import type { MailboxMessage } from '@memsight/contracts';

type Row = Omit<MailboxMessage, 'createdAt'> & { createdAt: Date };

/** The project's kept emails, newest first, before the cursor (a mailbox_messages id). */
export async function listMailbox(pool: pg.Pool, projectId: string, beforeId: string | null, limit: number): Promise<MailboxMessage[]> {
  const { rows } = await pool.query<Row>(
    `SELECT id::text AS id, message_id AS "messageId", to_address AS "to", subject, text, html, alert_ids::text[] AS "alertIds", created_at AS "createdAt"
       FROM mailbox_messages WHERE project_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [projectId, beforeId, limit],
  );
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** One inline attachment (the chart) of a kept email. */
export async function getMailboxAttachment(pool: pg.Pool, projectId: string, id: string, cid: string): Promise<{ contentType: string; content: Buffer } | undefined> {
  const { rows } = await pool.query<{ contentType: string; base64: string }>(
    `SELECT a->>'contentType' AS "contentType", a->>'base64' AS base64
       FROM mailbox_messages m, jsonb_array_elements(m.attachments) a
      WHERE m.project_id = $1 AND m.id = $2 AND a->>'cid' = $3`,
    [projectId, id, cid],
  );
  return rows[0] && { contentType: rows[0].contentType, content: Buffer.from(rows[0].base64, 'base64') };
}
