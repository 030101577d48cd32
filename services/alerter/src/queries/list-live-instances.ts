import type pg from 'pg';

export interface LiveInstance {
  id: string;
  projectId: string;
  appId: string;
  appName: string;
  runtime: 'cpython' | 'node';
  startedAtMs: number;
  memoryLimitBytes: number | null;
  lastSeenMs: number;
}

const SELECT = `SELECT i.id::text AS id, i.project_id AS "projectId", i.app_id AS "appId", a.name AS "appName", i.runtime,
       (extract(epoch FROM i.started_at) * 1000)::float8 AS "startedAtMs", i.memory_limit_bytes::text AS "memoryLimitBytes",
       (extract(epoch FROM i.last_seen_at) * 1000)::float8 AS "lastSeenMs"
  FROM instances i JOIN apps a ON a.id = i.app_id`;

type Row = Omit<LiveInstance, 'runtime' | 'memoryLimitBytes'> & { runtime: string; memoryLimitBytes: string | null };

function toLive(r: Row): LiveInstance {
  return { ...r, runtime: r.runtime === 'node' ? 'node' : 'cpython', memoryLimitBytes: r.memoryLimitBytes === null ? null : Number(r.memoryLimitBytes) };
}

/** Instances that sent data since `sinceMs`, plus those with open alerts (so a silent one's alerts can resolve). */
export async function listLiveInstances(db: pg.Pool | pg.ClientBase, sinceMs: number): Promise<LiveInstance[]> {
  const { rows } = await db.query<Row>(
    `${SELECT}
      WHERE i.last_seen_at >= to_timestamp($1 / 1000.0)
         OR EXISTS (SELECT 1 FROM alerts al WHERE al.instance_id = i.id AND al.state <> 'resolved')`,
    [sinceMs],
  );
  return rows.map(toLive);
}

/** Instances by id (ones ingest just told us about). */
export async function listInstancesByIds(db: pg.Pool | pg.ClientBase, ids: string[]): Promise<LiveInstance[]> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE i.id = ANY($1::bigint[])`, [ids]);
  return rows.map(toLive);
}
