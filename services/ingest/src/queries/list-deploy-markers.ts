import type pg from 'pg';
import type { DeployMarker } from '@memsight/contracts';

/** An app's deploy markers with `at` in [fromMs, toMs], oldest first; past `limit`, the newest ones are kept. */
export async function listDeployMarkers(pool: pg.Pool, appId: string, fromMs: number, toMs: number, limit: number): Promise<DeployMarker[]> {
  const { rows } = await pool.query<Omit<DeployMarker, 'at'> & { at: Date }>(
    `SELECT * FROM (
       SELECT id, version, previous_version AS "previousVersion", ts AS at FROM deploy_markers
        WHERE app_id = $1 AND ts >= to_timestamp($2 / 1000.0) AND ts <= to_timestamp($3 / 1000.0)
        ORDER BY ts DESC, id DESC LIMIT $4
     ) newest ORDER BY at, id`,
    [appId, fromMs, toMs, limit],
  );
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
