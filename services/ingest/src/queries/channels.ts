import type pg from 'pg';
import type { NotificationChannel } from '@memsight/contracts';

type Row = Omit<NotificationChannel, 'createdAt'> & { createdAt: Date };
const SELECT = `SELECT id, kind, name, target, enabled, created_at AS "createdAt" FROM notification_channels`;
const RETURNING = `RETURNING id, kind, name, target, enabled, created_at AS "createdAt"`;
const toChannel = (r: Row): NotificationChannel => ({ ...r, createdAt: r.createdAt.toISOString() });

export async function listChannels(pool: pg.Pool, projectId: string): Promise<NotificationChannel[]> {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE project_id = $1 ORDER BY created_at`, [projectId]);
  return rows.map(toChannel);
}

export async function insertChannel(pool: pg.Pool, projectId: string, c: { name: string; target: string; enabled: boolean }): Promise<NotificationChannel> {
  const { rows } = await pool.query<Row>(
    `INSERT INTO notification_channels (id, project_id, kind, name, target, enabled) VALUES (gen_random_uuid(), $1, 'email', $2, $3, $4) ${RETURNING}`,
    [projectId, c.name, c.target, c.enabled],
  );
  return toChannel(rows[0]!);
}

export async function updateChannel(
  pool: pg.Pool,
  projectId: string,
  id: string,
  c: { name?: string; target?: string; enabled?: boolean },
): Promise<NotificationChannel | undefined> {
  const { rows } = await pool.query<Row>(
    `UPDATE notification_channels SET name = coalesce($3, name), target = coalesce($4, target), enabled = coalesce($5, enabled)
      WHERE project_id = $1 AND id = $2 ${RETURNING}`,
    [projectId, id, c.name ?? null, c.target ?? null, c.enabled ?? null],
  );
  return rows[0] && toChannel(rows[0]);
}

export async function deleteChannel(pool: pg.Pool, projectId: string, id: string): Promise<boolean> {
  const { rowCount } = await pool.query('DELETE FROM notification_channels WHERE project_id = $1 AND id = $2', [projectId, id]);
  return (rowCount ?? 0) > 0;
}
