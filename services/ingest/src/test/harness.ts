// Test helpers: a tenant (project + API key) per suite, and ingest built on
// the test database with an injectable clock. scripts/test.ts sets DATABASE_URL.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createPool, generateApiKey } from '@memsight/db';
import type pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildIngest } from '../build';
import { loadIngestConfig, type IngestConfig } from '../config';
import type { Clock } from '../plugins/external/config';

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

export async function createTenant(name = 'suite'): Promise<Tenant> {
  const pool = createPool(testDatabaseUrl(), 4);
  const projectId = randomUUID();
  await pool.query('INSERT INTO projects (id, name, slug) VALUES ($1, $2, $3)', [projectId, name, `${name}-${projectId.slice(0, 8)}`]);
  const insertKey = async (revoked: boolean) => {
    const key = generateApiKey();
    await pool.query(
      `INSERT INTO api_keys (id, project_id, name, prefix, key_hash, revoked_at) VALUES ($1, $2, 'test', $3, $4, $5)`,
      [randomUUID(), projectId, key.prefix, key.keyHash, revoked ? new Date() : null],
    );
    return key.secret;
  };
  const apiKey = await insertKey(false);
  const revokedKey = await insertKey(true);
  return {
    projectId,
    apiKey,
    revokedKey,
    pool,
    cleanup: async () => {
      await pool.query('DELETE FROM samples WHERE instance_id IN (SELECT id FROM instances WHERE project_id = $1)', [projectId]);
      await pool.query('DELETE FROM ingest_batches WHERE instance_id IN (SELECT id FROM instances WHERE project_id = $1)', [projectId]);
      await pool.query('DELETE FROM projects WHERE id = $1', [projectId]);
      await pool.end();
    },
  };
}

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

export function gzipJson(value: unknown): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(value)));
}
