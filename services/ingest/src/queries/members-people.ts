// The people side of membership: Better Auth's "user" rows looked up by email,
// the projects a person belongs to, and their sessions.
import type pg from 'pg';
import type { MyProject } from '@memsight/contracts';

/** Better Auth stores emails lower-cased; callers pass them lower-cased too. */
export async function findPersonByEmail(pool: pg.Pool, email: string): Promise<{ id: string; name: string } | undefined> {
  const { rows } = await pool.query<{ id: string; name: string }>('SELECT id, name FROM "user" WHERE email = $1', [email]);
  return rows[0];
}

/** Oldest membership first: the order session-auth takes the default project from. */
export async function listProjectsOfPerson(pool: pg.Pool, userId: string): Promise<MyProject[]> {
  const { rows } = await pool.query<MyProject>(
    `SELECT p.id, p.name, p.slug, m.role FROM project_members m JOIN projects p ON p.id = m.project_id
      WHERE m.user_id = $1 ORDER BY m.created_at`,
    [userId],
  );
  return rows;
}

export async function endSessionsOfPerson(pool: pg.Pool, userId: string): Promise<void> {
  await pool.query('DELETE FROM session WHERE "userId" = $1', [userId]);
}
