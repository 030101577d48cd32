// The first person who can sign in: `npm start` makes them an admin of the
// default project. Email and password come from MEMSIGHT_ADMIN_EMAIL and
// MEMSIGHT_ADMIN_PASSWORD, or a password is generated and kept in the data
// directory (mode 0600) so the banner can show it again. The session secret is
// MEMSIGHT_AUTH_SECRET, or one generated and kept there too.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ensureProjectAdmin } from '@memsight/auth/first-admin';
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
  const keptPassword = path.join(o.dataDir, 'admin-password');
  try {
    const { created } = await ensureProjectAdmin({
      pool, secret: o.secret, baseURL: o.dashboardUrl, email: o.email, projectId: o.projectId,
      password: () => o.password ?? kept(keptPassword, () => randomBytes(12).toString('base64url')),
    });
    if (created) return { email: o.email, password: o.password ?? readFileSync(keptPassword, 'utf8').trim() };
    return { email: o.email, password: !o.password && existsSync(keptPassword) ? readFileSync(keptPassword, 'utf8').trim() : null };
  } finally {
    await pool.end();
  }
}
