// The first person who can sign in: `npm start` makes them an admin of the
// default project. Email and password come from MEMSIGHT_ADMIN_EMAIL and
// MEMSIGHT_ADMIN_PASSWORD, or a password is generated and kept in the data
// directory (mode 0600) so the banner can show it again. The session secret is
// MEMSIGHT_AUTH_SECRET, or one generated and kept there too.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createAuth } from '@memsight/auth';
import { createPool } from '@memsight/db';

function kept(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const value = make();
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

export function authSecret(dataDir: string, configured: string | undefined): string {
  return configured ?? kept(path.join(dataDir, 'auth-secret'), () => randomBytes(32).toString('base64url'));
}

export interface FirstAdmin {
  email: string;
  /** null: the person existed already and their password is theirs (it may have changed). */
  password: string | null;
}

export async function ensureFirstAdmin(o: { databaseUrl: string; secret: string; dashboardUrl: string; projectId: string; dataDir: string; email: string; password?: string }): Promise<FirstAdmin> {
  const pool = createPool(o.databaseUrl, 2);
  try {
    const existing = await pool.query<{ id: string }>('SELECT id FROM "user" WHERE email = $1', [o.email.toLowerCase()]);
    let userId = existing.rows[0]?.id;
    let password: string | null = null;
    if (!userId) {
      password = o.password ?? kept(path.join(o.dataDir, 'admin-password'), () => randomBytes(12).toString('base64url'));
      const auth = createAuth({ pool, secret: o.secret, baseURL: o.dashboardUrl, allowSignUp: true });
      userId = (await auth.api.signUpEmail({ body: { email: o.email, password, name: 'Admin' } })).user.id;
    } else if (!o.password && existsSync(path.join(o.dataDir, 'admin-password'))) {
      password = readFileSync(path.join(o.dataDir, 'admin-password'), 'utf8').trim();
    }
    await pool.query(
      `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'admin') ON CONFLICT (project_id, user_id) DO NOTHING`,
      [o.projectId, userId],
    );
    return { email: o.email, password };
  } finally {
    await pool.end();
  }
}
