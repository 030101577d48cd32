// The dashboard's side of sign-in: Better Auth on the project's PostgreSQL,
// configured once from the environment `npm start` (or the deployment) gives
// the dashboard process. Created on first use, so `next build` needs none of it.
import pg from 'pg';
import { createAuth, type Auth } from '@memsight/auth';

let auth: Auth | undefined;

export function serverAuth(): Auth {
  if (auth) return auth;
  const databaseUrl = process.env.DATABASE_URL;
  const secret = process.env.MEMSIGHT_AUTH_SECRET;
  if (!databaseUrl || !secret) throw new Error('The dashboard needs DATABASE_URL and MEMSIGHT_AUTH_SECRET (the same secret as ingest) to sign people in.');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => {}); // an idle connection dropped by the server; the next query reconnects
  auth = createAuth({ pool, secret, baseURL: process.env.MEMSIGHT_DASHBOARD_URL ?? 'http://127.0.0.1:3000' });
  return auth;
}
