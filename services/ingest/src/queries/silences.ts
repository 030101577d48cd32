import type pg from 'pg';
import type { Silence } from '@memsight/contracts';

interface Row {
  id: string; appId: string | null; instanceId: string | null; kind: Silence['matchers']['kind'] | null;
  startsAt: Date; endsAt: Date; comment: string; createdAt: Date;
}

const SELECT = `SELECT id, app_id AS "appId", instance_id::text AS "instanceId", kind, starts_at AS "startsAt", ends_at AS "endsAt", comment, created_at AS "createdAt"
                  FROM silences`;

function toSilence(r: Row, nowMs: number): Silence {
  const matchers: Silence['matchers'] = {};
  if (r.appId) matchers.appId = r.appId;
  if (r.instanceId) matchers.instanceId = r.instanceId;
  if (r.kind) matchers.kind = r.kind;
  return {
    id: r.id, matchers, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString(), comment: r.comment,
    createdAt: r.createdAt.toISOString(), active: r.startsAt.getTime() <= nowMs && r.endsAt.getTime() > nowMs,
  };
}

/** Silences that have not ended (and, with `includeExpired`, the last day's ended ones). */
export async function listSilences(pool: pg.Pool, projectId: string, nowMs: number, includeExpired: boolean): Promise<Silence[]> {
  const since = new Date(nowMs - (includeExpired ? 86_400_000 : 0)).toISOString();
  const { rows } = await pool.query<Row>(`${SELECT} WHERE project_id = $1 AND ends_at > $2::timestamptz ORDER BY starts_at DESC LIMIT 500`, [projectId, since]);
  return rows.map((r) => toSilence(r, nowMs));
}

export async function insertSilence(
  pool: pg.Pool,
  projectId: string,
  s: { appId: string | null; instanceId: string | null; kind: string | null; startsAtMs: number; endsAtMs: number; comment: string },
  nowMs: number,
): Promise<Silence> {
  const { rows } = await pool.query<Row>(
    `WITH s AS (INSERT INTO silences (id, project_id, app_id, instance_id, kind, starts_at, ends_at, comment)
                VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7) RETURNING *)
     SELECT id, app_id AS "appId", instance_id::text AS "instanceId", kind, starts_at AS "startsAt", ends_at AS "endsAt", comment, created_at AS "createdAt" FROM s`,
    [projectId, s.appId, s.instanceId, s.kind, new Date(s.startsAtMs).toISOString(), new Date(s.endsAtMs).toISOString(), s.comment],
  );
  return toSilence(rows[0]!, nowMs);
}

/** Ends a silence now (Alertmanager's "expire"); false when it is not in the project. */
export async function expireSilence(pool: pg.Pool, projectId: string, id: string, nowMs: number): Promise<boolean> {
  const now = new Date(nowMs).toISOString();
  const { rowCount } = await pool.query(
    `UPDATE silences SET ends_at = greatest(starts_at + interval '1 millisecond', least(ends_at, $3::timestamptz)) WHERE project_id = $1 AND id = $2`,
    [projectId, id, now],
  );
  return (rowCount ?? 0) > 0;
}
