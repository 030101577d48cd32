// The first person who can sign in, as an admin of a project: made by
// `npm start` (with a generated password it prints) and by ingest at start
// when MEMSIGHT_ADMIN_EMAIL and MEMSIGHT_ADMIN_PASSWORD are set (Docker, where
// no launcher prints anything). Idempotent: an existing person keeps their
// password, and only gains the membership if it is missing.
import type pg from 'pg';
import { createAuth } from './index';

export interface EnsureAdminOptions {
  pool: pg.Pool;
  secret: string;
  baseURL: string;
  email: string;
  /** Needed only when the person does not exist yet; called then, so a generated password is made only when used. */
  password: () => string;
  projectId: string;
}

/** The person's user id, and whether this call created them. */
export async function ensureProjectAdmin(o: EnsureAdminOptions): Promise<{ userId: string; created: boolean }> {
  const existing = await o.pool.query<{ id: string }>('SELECT id FROM "user" WHERE email = $1', [o.email.toLowerCase()]);
  let userId = existing.rows[0]?.id;
  const created = !userId;
  if (!userId) {
    // Sign-up is closed to the world; this one server-side call opens it for the bootstrap alone.
    const auth = createAuth({ pool: o.pool, secret: o.secret, baseURL: o.baseURL, allowSignUp: true });
    userId = (await auth.api.signUpEmail({ body: { email: o.email, password: o.password(), name: 'Admin' } })).user.id;
  }
  await o.pool.query(
    `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'admin') ON CONFLICT (project_id, user_id) DO NOTHING`,
    [o.projectId, userId],
  );
  return { userId, created };
}

/** The project with this slug, made if missing: where a fresh installation's first admin and agents go. */
export async function ensureProject(pool: pg.Pool, slug: string, name: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO projects (id, name, slug) VALUES (gen_random_uuid(), $1, $2)
     ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id`,
    [name, slug],
  );
  return rows[0]!.id;
}
