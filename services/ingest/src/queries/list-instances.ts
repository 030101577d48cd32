import type pg from 'pg';
import type { InstanceSummary } from '@memsight/contracts';

interface InstanceRow {
  id: string;
  agentInstanceId: string;
  appId: string;
  appName: string;
  host: string;
  pid: number;
  runtime: string;
  runtimeVersion: string;
  appVersion: string | null;
  worker: string | null;
  agent: string;
  labels: Record<string, string>;
  memoryLimitBytes: string | null;
  startedAt: Date;
  firstSeenAt: Date;
  lastSeenAt: Date;
  droppedSamples: string;
  droppedLastAt: Date | null;
}

const SELECT = `SELECT i.id::text AS id, i.agent_instance_id AS "agentInstanceId", i.app_id AS "appId", a.name AS "appName",
       i.host, i.pid, i.runtime, i.runtime_version AS "runtimeVersion", i.app_version AS "appVersion", i.worker,
       i.agent_name || '/' || i.agent_version AS agent, i.labels, i.memory_limit_bytes::text AS "memoryLimitBytes",
       i.started_at AS "startedAt", i.first_seen_at AS "firstSeenAt", i.last_seen_at AS "lastSeenAt",
       i.dropped_samples::text AS "droppedSamples", i.dropped_last_at AS "droppedLastAt"
  FROM instances i JOIN apps a ON a.id = i.app_id`;

function toSummary(r: InstanceRow, liveSinceMs: number): InstanceSummary {
  return {
    ...r,
    memoryLimitBytes: r.memoryLimitBytes === null ? null : Number(r.memoryLimitBytes),
    startedAt: r.startedAt.toISOString(),
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    live: r.lastSeenAt.getTime() >= liveSinceMs,
    droppedSamples: Number(r.droppedSamples),
    droppedLastAt: r.droppedLastAt?.toISOString() ?? null,
  };
}

export interface InstancePage {
  /** The last instance of the previous page: this page starts after it in (last seen, id) order. */
  before?: { lastSeenAt: string; id: string };
  limit?: number;
}

/** Instances of one app (or of the whole project), most recently seen first, then by id; 500 unless a page says. */
export async function listInstances(pool: pg.Pool, projectId: string, appId: string | null, liveSinceMs: number, page: InstancePage = {}): Promise<InstanceSummary[]> {
  const { rows } = await pool.query<InstanceRow>(
    `${SELECT} WHERE i.project_id = $1 AND ($2::uuid IS NULL OR i.app_id = $2::uuid)
        AND ($3::timestamptz IS NULL OR (i.last_seen_at, i.id) < ($3::timestamptz, $4::bigint))
      ORDER BY i.last_seen_at DESC, i.id DESC LIMIT $5`,
    [projectId, appId, page.before?.lastSeenAt ?? null, page.before?.id ?? null, page.limit ?? 500],
  );
  return rows.map((r) => toSummary(r, liveSinceMs));
}

export async function getInstance(pool: pg.Pool, projectId: string, instanceId: string, liveSinceMs: number): Promise<InstanceSummary | undefined> {
  const { rows } = await pool.query<InstanceRow>(`${SELECT} WHERE i.project_id = $1 AND i.id = $2`, [projectId, instanceId]);
  return rows[0] && toSummary(rows[0], liveSinceMs);
}
