// The dashboard's side of sign-in: Better Auth on the project's PostgreSQL,
// from the configuration `npm start` (or the deployment) gives the dashboard
// process. Created on first use, so `next build` needs none of it.
import pg from 'pg';
import { createAuth, type Auth } from '@memsight/auth';
import { dashboardConfig } from './server-config';

let auth: Auth | undefined;

export function serverAuth(): Auth {
  if (auth) return auth;
  const c = dashboardConfig();
  const pool = new pg.Pool({ connectionString: c.databaseUrl, max: 4 });
  pool.on('error', () => {}); // an idle connection dropped by the server; the next query reconnects
  auth = createAuth({ pool, secret: c.authSecret, baseURL: c.dashboardUrl });
  return auth;
}
