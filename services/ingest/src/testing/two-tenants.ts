// For the tenant-isolation suites: project A with one of everything that has
// an id (apps, instances, snapshots, deploys, alerts, rules, silences,
// channels, keys, members, mailbox messages), and project B with an instance
// and a message of its own made between A's, so B's ids ±1 are A's.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { PG_CHANNELS, type IngestBatch } from '@memsight/contracts';
import { createTenant, type Tenant } from './harness';
import { TestPeople } from './people';

export interface ProjectA {
  tenant: Tenant;
  appName: string;
  agentInstanceId: string;
  /** Every id of A, by the name a route's path parameter gives it. */
  ids: Record<'appId' | 'instanceId' | 'secondInstanceId' | 'alertId' | 'ruleId' | 'silenceId' | 'channelId' | 'keyId' | 'userId' | 'messageId' | 'cid' | 'deployId', string>;
}

export interface ProjectB {
  tenant: Tenant;
  agentInstanceId: string;
  instanceId: string;
  messageId: string;
}

export interface TwoTenants {
  a: ProjectA;
  b: ProjectB;
  people: TestPeople;
  cleanup: () => Promise<void>;
}

export const call = (url: string, key: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

export function goldenBatch(agentInstanceId: string, app: string, nowMs: number, seq = 1): IngestBatch {
  const batch = rebaseBatch(readGolden('valid', 'python-batch'), nowMs);
  return { ...batch, seq, instance: { ...batch.instance, id: agentInstanceId, host: agentInstanceId, app, appVersion: '1.0.0' } };
}

async function postBatch(url: string, tenant: Tenant, batch: IngestBatch): Promise<{ instanceId: string; appId: string }> {
  const res = await call(url, tenant.apiKey, 'POST', '/v1/ingest', batch);
  assert.equal(res.status, 200, await res.text());
  const { rows } = await tenant.pool.query('SELECT id::text AS "instanceId", app_id AS "appId" FROM instances WHERE project_id = $1 AND agent_instance_id = $2', [tenant.projectId, batch.instance.id]);
  return rows[0];
}

async function created(res: Response): Promise<{ id: string }> {
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text);
}

/** A kept email with one inline image, as the alerter's mailbox writes it. */
async function insertMessage(tenant: Tenant, channelId: string): Promise<string> {
  const { rows: n } = await tenant.pool.query(
    `INSERT INTO notifications (id, project_id, channel_id, group_key, payload, message_id) VALUES (gen_random_uuid(), $1, $2, 'g', '{}', $3) RETURNING id`,
    [tenant.projectId, channelId, `<${randomUUID()}@test>`],
  );
  const { rows } = await tenant.pool.query(
    `INSERT INTO mailbox_messages (project_id, notification_id, message_id, to_address, subject, text, html, attachments, alert_ids)
     VALUES ($1, $2, $3, 'a@example.test', 'secret subject of A', 't', 'h', $4, '{}') RETURNING id::text`,
    [tenant.projectId, n[0].id, `<${randomUUID()}@test>`, JSON.stringify([{ cid: 'chart', contentType: 'image/png', base64: 'iVBORw0KGgo=' }])],
  );
  return rows[0].id;
}

/** An alert under a rule of its own, with its first transition, written as the alerter does (NOTIFY included). */
export async function writeAlert(tenant: Tenant, scope: { instanceId: string; appId: string }): Promise<{ alertId: string; ruleId: string }> {
  const client = await tenant.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: rules } = await client.query(
      `INSERT INTO alert_rules (id, project_id, kind, name, params) VALUES (gen_random_uuid(), $1, 'threshold', 'isolation rule', '{"metric":"process.threads","op":">","value":1}') RETURNING id`,
      [tenant.projectId],
    );
    const alertId = randomUUID();
    await client.query(
      `INSERT INTO alerts (id, project_id, rule_id, instance_id, app_id, kind, state, severity, summary, metric, value, evidence, started_at, fired_at, last_evaluated_at)
       VALUES ($1, $2, $3, $4, $5, 'threshold', 'firing', 'warning', 'A only', 'process.threads', 9, '{"nextStep":"look"}', now(), now(), now())`,
      [alertId, tenant.projectId, rules[0].id, scope.instanceId, scope.appId],
    );
    const { rows } = await client.query(
      `INSERT INTO alert_transitions (alert_id, project_id, from_state, to_state, at, reason) VALUES ($1, $2, NULL, 'firing', now(), 'test') RETURNING id::text`,
      [alertId, tenant.projectId],
    );
    await client.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.alertTransitions, JSON.stringify({ transitionId: rows[0].id, projectId: tenant.projectId })]);
    await client.query('COMMIT');
    return { alertId, ruleId: rules[0].id };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function makeTwoTenants(url: string, label: string): Promise<TwoTenants> {
  const at = await createTenant(`${label}-a`);
  const bt = await createTenant(`${label}-b`);
  const people = new TestPeople(at.pool);
  const appName = `${label}-a-app`;
  const agentInstanceId = `${label}-a-1-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  const a1 = await postBatch(url, at, goldenBatch(agentInstanceId, appName, now));
  const bAgentInstanceId = `${label}-b-1-${randomUUID().slice(0, 8)}`;
  const b1 = await postBatch(url, bt, goldenBatch(bAgentInstanceId, `${label}-b-app`, now));
  const a2 = await postBatch(url, at, goldenBatch(`${label}-a-2-${randomUUID().slice(0, 8)}`, appName, now));
  const { alertId, ruleId } = await writeAlert(at, a1);
  const ask = (path: string, body: unknown) => call(url, at.apiKey, 'POST', path, body).then(created);
  const silence = await ask('/api/silences', { matchers: { appId: a1.appId }, endsAt: new Date(now + 86_400_000).toISOString() });
  const channel = await ask('/api/channels', { kind: 'email', target: 'a@example.test' });
  const key = (await call(url, at.apiKey, 'POST', '/api/keys', { name: 'a read key', scope: 'read' }).then((r) => r.json())) as { key: { id: string } };
  const member = await people.member(`${label}-a-member`, 'member', at.projectId);
  const bChannel = await call(url, bt.apiKey, 'POST', '/api/channels', { kind: 'email', target: 'b@example.test' }).then(created);
  const messageA = await insertMessage(at, channel.id);
  const messageB = await insertMessage(bt, bChannel.id);
  await insertMessage(at, channel.id);
  const { rows: deploys } = await at.pool.query('SELECT id FROM deploy_markers WHERE app_id = $1 LIMIT 1', [a1.appId]);
  assert.ok(deploys[0], 'the golden batch carries an appVersion, so A has a deploy marker');
  return {
    a: {
      tenant: at,
      appName,
      agentInstanceId,
      ids: {
        appId: a1.appId, instanceId: a1.instanceId, secondInstanceId: a2.instanceId, alertId, ruleId, silenceId: silence.id,
        channelId: channel.id, keyId: key.key.id, userId: member.id, messageId: messageA, cid: 'chart', deployId: deploys[0].id,
      },
    },
    b: { tenant: bt, agentInstanceId: bAgentInstanceId, instanceId: b1.instanceId, messageId: messageB },
    people,
    cleanup: async () => {
      await people.cleanup();
      await at.cleanup();
      await bt.cleanup();
    },
  };
}
