// Sign-in for people: Better Auth's email and password sessions (scrypt,
// memory-hard), on the project's PostgreSQL. One configuration serves the
// dashboard's /api/auth routes, ingest's session check and the launcher's
// first admin, so all three agree on cookies, secret and tables. Sign-up is
// closed: admins add people; the first admin comes from `npm start`.
import { betterAuth } from 'better-auth';
import type pg from 'pg';

export interface AuthOptions {
  pool: pg.Pool;
  /** At least 32 characters; signs the session cookie. */
  secret: string;
  /** The dashboard's origin, where /api/auth lives. */
  baseURL: string;
  /** Only the launcher's bootstrap opens sign-up, to create the first admin. */
  allowSignUp?: boolean;
}

export function createAuth(o: AuthOptions) {
  return betterAuth({
    database: o.pool,
    secret: o.secret,
    baseURL: o.baseURL,
    trustedOrigins: [o.baseURL],
    emailAndPassword: { enabled: true, disableSignUp: !o.allowSignUp, minPasswordLength: 10 },
    session: { expiresIn: 7 * 86400, updateAge: 86400 },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;
