// For tests of every package: a tenant (project + API key) per suite, in the
// database `npm test` provides. Each suite makes its own and removes it after.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createApiKey, createProject, revokeApiKey } from './api-keys';
import { migrate } from './migrate';
import { MIGRATIONS_DIR } from './paths';
import { createPool } from './pool';
import { createPrisma } from './prisma';

export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `npm test`, which provides a database.');
  return url;
}

export interface Tenant {
  projectId: string;
  apiKey: string;
  pool: pg.Pool;
  /** A second key of the same project, already revoked. */
  revokedKey: string;
  cleanup: () => Promise<void>;
}

export async function createTenant(name = 'suite', databaseUrl = testDatabaseUrl()): Promise<Tenant> {
  const pool = createPool(databaseUrl, 4);
  pool.on('error', () => {}); // an idle connection ended by a dropped test database
  const prisma = createPrisma(databaseUrl);
  const { id: projectId } = await createProject(prisma, name, `${name}-${randomUUID().slice(0, 8)}`);
  const apiKey = (await createApiKey(prisma, projectId, 'test')).secret;
  const revoked = await createApiKey(prisma, projectId, 'revoked');
  await revokeApiKey(prisma, revoked.id);
  await prisma.$disconnect();
  return {
    projectId,
    apiKey,
    revokedKey: revoked.secret,
    pool,
    cleanup: async () => {
      await pool.query('DELETE FROM samples WHERE instance_id IN (SELECT id FROM instances WHERE project_id = $1)', [projectId]);
      await pool.query('DELETE FROM ingest_batches WHERE instance_id IN (SELECT id FROM instances WHERE project_id = $1)', [projectId]);
      await pool.query('DELETE FROM projects WHERE id = $1', [projectId]);
      await pool.end();
    },
  };
}

/**
 * A fresh, migrated database on the test server, for suites that run
 * something database-wide (the alerter evaluates every project, and its
 * leader lock is per database). Dropped by `drop()`.
 */
export async function createTestDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(testDatabaseUrl());
  const name = `memsight_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomUUID().slice(0, 8)}`;
  const admin = createPool(base.toString(), 1);
  // `name` is built from a sanitised label and a UUID, never from input; identifiers cannot be parameters.
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 1);
  await migrate(pool, MIGRATIONS_DIR);
  await pool.end();
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
