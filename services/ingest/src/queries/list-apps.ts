import type pg from 'pg';
import type { AppSummary } from '@memsight/contracts';

/** Apps by name; a page starts after `afterName`. Without `limit`, every app (the overview's list, bounded by INGEST_MAX_APPS_PER_PROJECT). */
export async function listApps(pool: pg.Pool, projectId: string, liveSinceMs: number, page: { afterName?: string; limit?: number } = {}): Promise<AppSummary[]> {
  const { rows } = await pool.query<AppSummary & { lastSeenAt: Date | null }>(
    `SELECT a.id, a.name,
            count(i.id)::int AS "instanceCount",
            count(i.id) FILTER (WHERE i.last_seen_at >= to_timestamp($2 / 1000.0))::int AS "liveInstanceCount",
            max(i.last_seen_at) AS "lastSeenAt"
       FROM apps a LEFT JOIN instances i ON i.app_id = a.id
      WHERE a.project_id = $1 AND ($3::text IS NULL OR a.name > $3)
      GROUP BY a.id
      ORDER BY a.name
      LIMIT $4`,
    [projectId, liveSinceMs, page.afterName ?? null, page.limit ?? null],
  );
  return rows.map((r) => ({ ...r, lastSeenAt: r.lastSeenAt ? new Date(r.lastSeenAt).toISOString() : null }));
}
