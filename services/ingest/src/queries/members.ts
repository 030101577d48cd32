// A project's members: people joined to their Better Auth "user" row. Every
// change runs under a lock on the project row so that two admins demoting each
// other at once cannot leave it without an admin.
import type pg from 'pg';
import { withTransaction } from '@memsight/db';
import type { Member, MemberRole } from '@memsight/contracts';

const COLUMNS = `u.id AS "userId", u.email, u.name, m.role, m.created_at AS "addedAt"`;
type Row = Omit<Member, 'addedAt'> & { addedAt: Date };
const toMember = (r: Row): Member => ({ ...r, addedAt: r.addedAt.toISOString() });

export async function listMembers(pool: pg.Pool | pg.PoolClient, projectId: string): Promise<Member[]> {
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM project_members m JOIN "user" u ON u.id = m.user_id WHERE m.project_id = $1 ORDER BY m.created_at, u.email`,
    [projectId],
  );
  return rows.map(toMember);
}

export async function findMember(pool: pg.Pool | pg.PoolClient, projectId: string, userId: string): Promise<Member | undefined> {
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM project_members m JOIN "user" u ON u.id = m.user_id WHERE m.project_id = $1 AND m.user_id = $2`,
    [projectId, userId],
  );
  return rows[0] && toMember(rows[0]);
}

/** Joins a person to the project; undefined when they already were a member. */
export async function insertMember(pool: pg.Pool, projectId: string, userId: string, role: MemberRole): Promise<Member | undefined> {
  const { rowCount } = await pool.query(
    `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (project_id, user_id) DO NOTHING`,
    [projectId, userId, role],
  );
  return rowCount ? findMember(pool, projectId, userId) : undefined;
}

export type MemberChange<T> = T | 'missing' | 'last_admin';

export async function changeMemberRole(pool: pg.Pool, projectId: string, userId: string, role: MemberRole): Promise<MemberChange<Member>> {
  return underProjectLock(pool, projectId, userId, async (client, current) => {
    if (current.role === 'admin' && role !== 'admin' && (await adminCount(client, projectId)) <= 1) return 'last_admin';
    await client.query('UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2', [projectId, userId, role]);
    return { ...current, role };
  });
}

export async function removeMember(pool: pg.Pool, projectId: string, userId: string): Promise<MemberChange<'removed'>> {
  return underProjectLock(pool, projectId, userId, async (client, current) => {
    if (current.role === 'admin' && (await adminCount(client, projectId)) <= 1) return 'last_admin';
    await client.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
    return 'removed';
  });
}

async function adminCount(client: pg.PoolClient, projectId: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM project_members WHERE project_id = $1 AND role = 'admin'`, [projectId]);
  return rows[0]!.n;
}

/**
 * Runs a membership change in a transaction holding the project row. NO KEY
 * UPDATE serialises member changes without blocking ingest, whose inserts only
 * take KEY SHARE locks on projects.
 */
async function underProjectLock<T>(
  pool: pg.Pool,
  projectId: string,
  userId: string,
  change: (client: pg.PoolClient, current: Member) => Promise<MemberChange<T>>,
): Promise<MemberChange<T>> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE', [projectId]);
    const current = await findMember(client, projectId, userId);
    return current ? change(client, current) : 'missing';
  }, { keep: (outcome) => outcome !== 'missing' && outcome !== 'last_admin' });
}
