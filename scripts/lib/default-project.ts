// The project `npm start` creates on first run, and its API key. Only a hash of
// a key is stored in the database, so the launcher keeps the secret of the key
// it created in the data directory (mode 0600) to print it again next time.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { generateApiKey, hashApiKey } from '@memsight/db';

export async function ensureDefaultProject(pool: pg.Pool, dataDir: string): Promise<{ projectId: string; apiKey: string }> {
  await pool.query(`INSERT INTO projects (id, name, slug) VALUES ($1, 'Default project', 'default') ON CONFLICT (slug) DO NOTHING`, [randomUUID()]);
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM projects WHERE slug = 'default'`);
  const projectId = rows[0]!.id;
  const keyFile = path.join(dataDir, 'default-api-key');
  if (existsSync(keyFile)) {
    const secret = readFileSync(keyFile, 'utf8').trim();
    const valid = await pool.query(
      `SELECT 1 FROM api_keys WHERE key_hash = $1 AND project_id = $2 AND revoked_at IS NULL`,
      [hashApiKey(secret), projectId],
    );
    if (valid.rowCount) return { projectId, apiKey: secret };
  }
  const key = generateApiKey();
  await pool.query(`INSERT INTO api_keys (id, project_id, name, prefix, key_hash) VALUES ($1, $2, 'default (npm start)', $3, $4)`, [
    randomUUID(),
    projectId,
    key.prefix,
    key.keyHash,
  ]);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(keyFile, key.secret + '\n', { mode: 0o600 });
  return { projectId, apiKey: key.secret };
}
