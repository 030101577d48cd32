// Ingest's part in a fresh installation: with MEMSIGHT_ADMIN_EMAIL and
// MEMSIGHT_ADMIN_PASSWORD set, the default project and its first admin exist
// once ingest has started, so a Docker user can sign in and make keys on the
// dashboard. Several replicas may run it at once: both steps are idempotent.
import type pg from 'pg';
import { ensureProject, ensureProjectAdmin } from '@memsight/auth/first-admin';
import { ConfigError, type IngestConfig } from '../config';

export async function bootstrapFirstAdmin(pool: pg.Pool, config: IngestConfig): Promise<{ email: string; created: boolean } | null> {
  const { adminEmail: email, adminPassword: password, authSecret: secret } = config;
  if (!email && !password) return null;
  if (!email || !password) throw new ConfigError('ingest: MEMSIGHT_ADMIN_EMAIL and MEMSIGHT_ADMIN_PASSWORD go together: set both to make the first admin, or neither.');
  if (!secret) throw new ConfigError('ingest: the first admin signs in with a session: set MEMSIGHT_AUTH_SECRET (32 characters or more) as well.');
  const projectId = await ensureProject(pool, 'default', 'Default project');
  const { created } = await ensureProjectAdmin({ pool, secret, baseURL: config.dashboardUrl, email, password: () => password, projectId });
  return { email, created };
}
