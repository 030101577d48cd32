import type pg from 'pg';
import type { ApiKeyScope } from '@memsight/contracts';

export interface ApiKeyRow {
  id: string;
  projectId: string;
  prefix: string;
  scope: ApiKeyScope;
  revokedAt: Date | null;
}

export async function findApiKeyByHash(pool: pg.Pool, keyHash: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await pool.query<ApiKeyRow>(
    `SELECT id, project_id AS "projectId", prefix, scope, revoked_at AS "revokedAt" FROM api_keys WHERE key_hash = $1`,
    [keyHash],
  );
  return rows[0];
}
