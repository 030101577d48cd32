// The dashboard's side of sign-in: Better Auth on the project's PostgreSQL,
// from the configuration `npm start` (or the deployment) gives the dashboard
// process. Created on first use, so `next build` needs none of it.
import pg from 'pg';
import { createAuth, type Auth } from '@memsight/auth';
import { dashboardConfig } from './server-config';

let auth: Auth | undefined;
let pool: pg.Pool | undefined;

/** The dashboard's one PostgreSQL pool: sign-in, and the readiness probe. */
export function serverPool(): pg.Pool {
  if (pool) return pool;
  pool = new pg.Pool({ connectionString: dashboardConfig().databaseUrl, max: 4 });
  pool.on('error', () => {}); // an idle connection dropped by the server; the next query reconnects
  return pool;
}

export function serverAuth(): Auth {
  if (auth) return auth;
  const c = dashboardConfig();
  auth = createAuth({ pool: serverPool(), secret: c.authSecret, baseURL: c.dashboardUrl });
  return auth;
}
