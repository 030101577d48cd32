// Test helpers: a tenant (project + API key) per suite, and ingest built on
// the test database with an injectable clock. scripts/test.ts sets DATABASE_URL.
import { after, before } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createTenant, testDatabaseUrl, type Tenant } from '@memsight/db/testing';
import type pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildIngest } from '../build';
import { loadIngestConfig, type IngestConfig } from '../config';
import type { Clock } from '../plugins/external/config';

export { createTenant, testDatabaseUrl, type Tenant } from '@memsight/db/testing';

export class ManualClock implements Clock {
  constructor(public ms = Date.now()) {}
  now = () => this.ms;
}

export async function startTestIngest(
  overrides: Partial<IngestConfig> = {},
  clock?: Clock,
): Promise<{ app: FastifyInstance; url: string }> {
  const config = loadIngestConfig({}, { databaseUrl: testDatabaseUrl(), port: 0, logLevel: 'silent', ...overrides });
  const app = await buildIngest({ config, clock });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: address };
}

/**
 * For a suite that posts to ingest as one tenant: registers the before/after
 * hooks that make the tenant and start ingest, and returns what they set.
 */
export function useTenantAndIngest(name: string, overrides: Partial<IngestConfig> = {}): { tenant: Tenant; url: string } {
  const suite = {} as { tenant: Tenant; url: string };
  let app: FastifyInstance | undefined;
  before(async () => {
    suite.tenant = await createTenant(name);
    const started = await startTestIngest(overrides);
    app = started.app;
    suite.url = started.url;
  });
  after(async () => {
    await app?.close();
    await suite.tenant?.cleanup();
  });
  return suite;
}

export function gzipJson(value: unknown): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(value)));
}

/** One stored metric of an app, oldest first, its missing (null) readings left out: what the agents' scenario tests check. */
export async function storedSeries(tenant: Tenant, app: string, metric: string): Promise<number[]> {
  const { rows } = await tenant.pool.query<{ v: number | null }>(
    `SELECT s.values[array_position(m.names, $3)] AS v
       FROM samples s JOIN instances i ON i.id = s.instance_id JOIN apps a ON a.id = i.app_id
       JOIN metric_sets m ON m.id = s.metric_set_id
      WHERE i.project_id = $1 AND a.name = $2 ORDER BY s.ts`,
    [tenant.projectId, app, metric],
  );
  return rows.map((r) => r.v).filter((v): v is number => v !== null);
}

/** The entries of one kind of snapshot an app stored, oldest first. */
export async function storedSnapshots<T = Record<string, unknown>>(tenant: Tenant, app: string, kind: string): Promise<T[]> {
  const { rows } = await tenant.pool.query(
    `SELECT sn.entries FROM snapshots sn JOIN instances i ON i.id = sn.instance_id JOIN apps a ON a.id = i.app_id
      WHERE i.project_id = $1 AND a.name = $2 AND sn.kind = $3 ORDER BY sn.ts`,
    [tenant.projectId, app, kind],
  );
  return rows.map((r) => r.entries as T);
}
