import type pg from 'pg';
import { PG_CHANNELS, type ApiKey, type ApiKeyScope } from '@memsight/contracts';

const COLUMNS = `id, name, scope, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;
type Row = Omit<ApiKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'> & { createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };
const toKey = (r: Row): ApiKey => ({ ...r, createdAt: r.createdAt.toISOString(), lastUsedAt: r.lastUsedAt?.toISOString() ?? null, revokedAt: r.revokedAt?.toISOString() ?? null });

export async function listApiKeys(pool: pg.Pool, projectId: string): Promise<ApiKey[]> {
  const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM api_keys WHERE project_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC`, [projectId]);
  return rows.map(toKey);
}

export async function insertApiKey(pool: pg.Pool, projectId: string, k: { name: string; scope: ApiKeyScope; prefix: string; keyHash: string }): Promise<ApiKey> {
  const { rows } = await pool.query<Row>(
    `INSERT INTO api_keys (id, project_id, name, scope, prefix, key_hash) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [projectId, k.name, k.scope, k.prefix, k.keyHash],
  );
  return toKey(rows[0]!);
}

/** Revokes a key of the project; undefined when it does not exist. Revoking twice keeps the first time. */
export async function revokeKey(pool: pg.Pool, projectId: string, keyId: string, atMs: number): Promise<ApiKey | undefined> {
  const { rows } = await pool.query<Row>(
    // The NOTIFY rides in the same statement, so it is sent exactly when the revocation commits: every ingest replica
    // then drops its cached answer for the key (plugins/app/listener.ts).
    `WITH revoked AS (
       UPDATE api_keys SET revoked_at = COALESCE(revoked_at, to_timestamp($3 / 1000.0)) WHERE project_id = $1 AND id = $2 RETURNING ${COLUMNS}
     )
     SELECT revoked.* FROM revoked CROSS JOIN LATERAL pg_notify('${PG_CHANNELS.keysChanged}', revoked.id::text)`,
    [projectId, keyId, atMs],
  );
  return rows[0] && toKey(rows[0]);
}
