// Seeding for the query API's tests: instances through the real ingest API,
// alerts straight into the table (as the alerter writes them), so a test
// needs neither agents nor the alerter.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { IngestBatch } from '@memsight/contracts';
import type { Tenant } from './harness';

export interface SeedInstance {
  /** The agent's instance id; also its host name. */
  id: string;
  app: string;
  metrics: string[];
  /** [ts, ...values in the order of `metrics`] */
  samples: [number, ...(number | null)[]][];
  appVersion?: string;
  startedAt?: number;
  seq?: number;
}

export function seedBatch(o: SeedInstance): IngestBatch {
  return {
    v: 1,
    agent: { name: 'memsight-test', version: '0.0.0' },
    instance: {
      id: o.id,
      app: o.app,
      ...(o.appVersion ? { appVersion: o.appVersion } : {}),
      host: o.id,
      pid: 100,
      runtime: 'cpython',
      runtimeVersion: '3.12.0',
      startedAt: o.startedAt ?? Math.min(...o.samples.map((s) => s[0])),
      worker: 'gunicorn:1',
    },
    seq: o.seq ?? 1,
    metrics: o.metrics,
    samples: o.samples.map(([ts, ...values]) => ({ ts, values })),
  };
}

/** Posts one instance's batch; returns its server-side id and app id. */
export async function postInstance(url: string, tenant: Tenant, o: SeedInstance): Promise<{ instanceId: string; appId: string }> {
  const res = await fetch(`${url}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
    body: JSON.stringify(seedBatch(o)),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.accepted, o.samples.length, JSON.stringify(body));
  const { rows } = await tenant.pool.query('SELECT id::text AS "instanceId", app_id AS "appId" FROM instances WHERE project_id = $1 AND agent_instance_id = $2', [tenant.projectId, o.id]);
  return rows[0];
}

export interface SeedAlert {
  kind: string;
  state: 'pending' | 'firing' | 'resolved';
  startedAt: number;
  resolvedAt?: number;
  value?: number | null;
  evidence?: Record<string, unknown>;
  summary?: string;
}

/** One alert under a rule of its own (an open alert is unique per rule and instance). */
export async function insertAlert(tenant: Tenant, scope: { instanceId: string; appId: string }, o: SeedAlert): Promise<string> {
  const { rows: rules } = await tenant.pool.query(
    `INSERT INTO alert_rules (id, project_id, kind, name, params) VALUES (gen_random_uuid(), $1, $2, $3, '{}') RETURNING id`,
    [tenant.projectId, o.kind, `${o.kind} test rule`],
  );
  const id = randomUUID();
  const resolvedAt = o.state === 'resolved' ? new Date(o.resolvedAt ?? o.startedAt + 60_000) : null;
  await tenant.pool.query(
    `INSERT INTO alerts (id, project_id, rule_id, instance_id, app_id, kind, state, severity, summary, metric, value, evidence, started_at, fired_at, resolved_at, last_evaluated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'warning', $8, 'process.memory.rss', $9, $10, $11, CASE WHEN $7 <> 'pending' THEN $11::timestamptz END, $12, $11)`,
    [id, tenant.projectId, rules[0].id, scope.instanceId, scope.appId, o.kind, o.state, o.summary ?? `${o.kind} ${o.state}`, o.value ?? null,
      JSON.stringify({ nextStep: 'look', ...o.evidence }), new Date(o.startedAt), resolvedAt],
  );
  return id;
}
