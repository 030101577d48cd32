// Test data written the way ingest stores it (apps, instances, metric sets,
// samples in their day partitions), plus ingest's "samples committed" NOTIFY,
// for alerter tests that need no ingest process.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ensureSamplePartitions, upsertMetricSet } from '@memsight/db';
import { PG_CHANNELS } from '@memsight/contracts';

export interface TestInstance {
  id: string;
  appId: string;
}

export async function createInstance(
  pool: pg.Pool,
  projectId: string,
  o: { app: string; runtime?: 'cpython' | 'node'; startedAtMs: number; lastSeenMs?: number },
): Promise<TestInstance> {
  const { rows: apps } = await pool.query<{ id: string }>(
    `INSERT INTO apps (id, project_id, name) VALUES (gen_random_uuid(), $1, $2)
     ON CONFLICT (project_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [projectId, o.app],
  );
  const appId = apps[0]!.id;
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO instances (project_id, app_id, agent_instance_id, host, pid, runtime, runtime_version, agent_name, agent_version, started_at, last_seen_at)
     VALUES ($1, $2, $3, 'test-host', 4242, $4, '3.11.7', 'test', '0', $5, $6) RETURNING id::text AS id`,
    [projectId, appId, `test-${randomUUID()}`, o.runtime ?? 'cpython', new Date(o.startedAtMs), new Date(o.lastSeenMs ?? o.startedAtMs)],
  );
  return { id: rows[0]!.id, appId };
}

/** Samples as name → value records, and the instance seen at the newest. */
export async function insertSamples(pool: pg.Pool, instanceId: string, samples: { ts: number; values: Record<string, number> }[]): Promise<void> {
  if (samples.length === 0) return;
  const names = Object.keys(samples[0]!.values);
  const setId = await upsertMetricSet(pool, names);
  const tss = samples.map((s) => s.ts);
  await ensureSamplePartitions(pool, Math.min(...tss), Math.max(...tss));
  await pool.query(
    `INSERT INTO samples (instance_id, ts, metric_set_id, values)
     SELECT $1, to_timestamp(t / 1000.0), $2, string_to_array(v, ',')::float8[] FROM unnest($3::float8[], $4::text[]) AS x(t, v)`,
    [instanceId, setId, tss, samples.map((s) => names.map((n) => s.values[n]).join(','))],
  );
  await pool.query('UPDATE instances SET last_seen_at = greatest(last_seen_at, to_timestamp($2 / 1000.0)) WHERE id = $1', [instanceId, Math.max(...tss)]);
}

/** What ingest sends after a commit: the alerter's cue for a fast round. */
export async function notifySamplesCommitted(pool: pg.Pool, instanceIds: string[]): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.samplesCommitted, instanceIds.join(',')]);
}

export async function addEmailChannel(pool: pg.Pool, projectId: string, target: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO notification_channels (id, project_id, kind, name, target) VALUES (gen_random_uuid(), $1, 'email', $2, $2) RETURNING id`,
    [projectId, target],
  );
  return rows[0]!.id;
}

export async function addThresholdRule(
  pool: pg.Pool,
  projectId: string,
  o: { metric: string; op: string; value: number; forSeconds?: number; keepFiringForSeconds?: number; appId?: string },
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO alert_rules (id, project_id, app_id, kind, name, params, for_seconds, keep_firing_for_seconds)
     VALUES (gen_random_uuid(), $1, $2, 'threshold', $3, $4::jsonb, $5, $6) RETURNING id`,
    [projectId, o.appId ?? null, `${o.metric} ${o.op} ${o.value}`, JSON.stringify({ metric: o.metric, op: o.op, value: o.value }), o.forSeconds ?? 0, o.keepFiringForSeconds ?? 0],
  );
  return rows[0]!.id;
}
