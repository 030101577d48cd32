import type pg from 'pg';
import type { AlertSpan } from '@memsight/contracts';

type Row = Omit<AlertSpan, 'startedAt' | 'firedAt' | 'resolvedAt'> & { startedAt: Date; firedAt: Date | null; resolvedAt: Date | null };

/**
 * An instance's alerts whose span [started_at, resolved_at or now] overlaps
 * [fromMs, toMs], oldest start first. An alert that started before the range
 * and is still open is in it: its band runs across the whole chart. Past
 * `limit`, the newest are kept.
 */
export async function listAlertSpans(pool: pg.Pool, projectId: string, instanceId: string, fromMs: number, toMs: number, nowMs: number, limit: number): Promise<AlertSpan[]> {
  const { rows } = await pool.query<Row>(
    `SELECT * FROM (
       SELECT id AS "alertId", kind, severity, state, started_at AS "startedAt", fired_at AS "firedAt", resolved_at AS "resolvedAt", summary
         FROM alerts
        WHERE project_id = $1 AND instance_id = $2
          AND started_at <= to_timestamp($4 / 1000.0)
          AND coalesce(resolved_at, to_timestamp($5 / 1000.0)) >= to_timestamp($3 / 1000.0)
        ORDER BY started_at DESC, id DESC
        LIMIT $6
     ) newest ORDER BY "startedAt", "alertId"`,
    [projectId, instanceId, fromMs, toMs, nowMs, limit],
  );
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return rows.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), firedAt: iso(r.firedAt), resolvedAt: iso(r.resolvedAt) }));
}
