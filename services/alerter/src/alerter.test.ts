// The alerter as a whole on its own database: rules → rounds → alerts →
// transitions → outbox → mailbox, with the lifecycle's timing on an injected
// clock. Detectors are the real ones except where a test picks the verdict.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTenant, createTestDatabase, type Tenant } from '@memsight/db/testing';
import { PG_CHANNELS } from '@memsight/contracts';
import { startAlerter, type Alerter } from './alerter';
import { loadAlerterConfig, type AlerterConfig } from './config';
import { until } from './test/until';
import { addEmailChannel, addThresholdRule, createInstance, insertSamples, notifySamplesCommitted } from './test/fixtures';

class Clock {
  constructor(public ms: number) {}
  now = () => this.ms;
}


describe('alerter', () => {
  let db: { url: string; drop: () => Promise<void> };
  let tenant: Tenant;
  let alerter: Alerter;
  let config: AlerterConfig;
  const clock = new Clock(Date.parse('2026-12-01T10:00:00Z'));

  const mailbox = async () =>
    (await tenant.pool.query<{ subject: string; text: string; alert_ids: string[] }>('SELECT subject, text, alert_ids FROM mailbox_messages WHERE project_id = $1 ORDER BY id', [tenant.projectId])).rows;
  const alertsOf = async (instanceId: string) =>
    (await tenant.pool.query<{ id: string; state: string; kind: string; fired_at: Date | null }>('SELECT id, state, kind, fired_at FROM alerts WHERE instance_id = $1 ORDER BY started_at', [instanceId])).rows;
  const transitionsOf = async (alertId: string) =>
    (await tenant.pool.query<{ from_state: string | null; to_state: string; dispatch: string }>('SELECT from_state, to_state, dispatch FROM alert_transitions WHERE alert_id = $1 ORDER BY id', [alertId])).rows;
  const fullRound = async () => {
    const before = alerter.evaluations();
    await tenant.pool.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.rulesChanged, tenant.projectId]);
    await until('a full round', async () => alerter.evaluations() > before);
    await alerter.whenIdle();
  };

  before(async () => {
    db = await createTestDatabase('alerter');
    tenant = await createTenant('alerter', db.url);
    config = loadAlerterConfig({}, { databaseUrl: db.url, port: 0, logLevel: 'silent', evaluationIntervalSeconds: 3600, groupWaitSeconds: 0, bucketSeconds: 10 });
    alerter = await startAlerter(config, { now: clock.now, leaderRetryMs: 100, outboxIntervalMs: 50 });
    await until('leadership', async () => alerter.leading());
    await addEmailChannel(tenant.pool, tenant.projectId, 'oncall@example.com');
  });
  after(async () => {
    await alerter?.close();
    await tenant?.cleanup();
    await db?.drop();
  });

  test('a threshold rule fires within one fast round of the samples being committed, and emails once', async () => {
    const inst = await createInstance(tenant.pool, tenant.projectId, { app: 'api', startedAtMs: clock.ms - 600_000, lastSeenMs: clock.ms });
    await addThresholdRule(tenant.pool, tenant.projectId, { metric: 'process.open_fds{kind=total}', op: '>', value: 100 });
    await fullRound(); // adopts the instance and reads the rule
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    await listener.query(`LISTEN ${PG_CHANNELS.alertTransitions}`);
    const notified = new Promise<string>((resolve) => listener.once('notification', (n) => resolve(n.payload!)));
    await insertSamples(tenant.pool, inst.id, [{ ts: clock.ms - 1000, values: { 'process.open_fds{kind=total}': 250, 'process.memory.rss': 50e6 } }]);
    await notifySamplesCommitted(tenant.pool, [inst.id]);
    const payload = JSON.parse(await notified) as { transitionId: string; projectId: string };
    await listener.end();
    assert.equal(payload.projectId, tenant.projectId);
    const [alert] = await alertsOf(inst.id);
    assert.equal(alert?.state, 'firing', 'for 0 fires at once');
    assert.deepEqual((await transitionsOf(alert!.id)).map((t) => `${t.from_state}>${t.to_state}`), ['null>firing']);
    const mails = await until('the email', async () => ((await mailbox()).length ? mailbox() : undefined));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /FIRING/);
    assert.match(mails[0]!.text, /250/);
    // More rounds change nothing: the alert stays firing, no second email.
    await fullRound();
    await fullRound();
    assert.equal((await mailbox()).length, 1);
    assert.equal((await transitionsOf(alert!.id)).length, 1);

    // The value drops: the alert resolves, and the resolution is emailed once.
    clock.ms += 10_000;
    await insertSamples(tenant.pool, inst.id, [{ ts: clock.ms - 1000, values: { 'process.open_fds{kind=total}': 20, 'process.memory.rss': 50e6 } }]);
    await notifySamplesCommitted(tenant.pool, [inst.id]);
    await until('the resolution', async () => (await alertsOf(inst.id))[0]?.state === 'resolved');
    const after = await until('the resolved email', async () => ((await mailbox()).length === 2 ? mailbox() : undefined));
    assert.match(after[1]!.subject, /RESOLVED/);
  });

  test("a condition shorter than the rule's `for` never fires; a longer one fires once `for` has passed", async () => {
    const inst = await createInstance(tenant.pool, tenant.projectId, { app: 'worker', startedAtMs: clock.ms - 600_000, lastSeenMs: clock.ms });
    const { rows } = await tenant.pool.query(`SELECT id FROM apps WHERE project_id = $1 AND name = 'worker'`, [tenant.projectId]);
    await addThresholdRule(tenant.pool, tenant.projectId, { metric: 'process.threads', op: '>=', value: 64, forSeconds: 60, appId: rows[0].id });
    const sample = (threads: number) => insertSamples(tenant.pool, inst.id, [{ ts: clock.ms - 500, values: { 'process.threads': threads } }]);
    await sample(80);
    await fullRound();
    const [first] = await alertsOf(inst.id);
    assert.equal(first?.state, 'pending');
    clock.ms += 30_000;
    await sample(10);
    await fullRound();
    assert.equal((await alertsOf(inst.id))[0]?.state, 'resolved', 'cleared before its for: resolved without firing');
    assert.equal((await alertsOf(inst.id))[0]?.fired_at, null);
    assert.ok((await transitionsOf(first!.id)).every((t) => t.dispatch === 'none'), 'pending alerts that clear are never notified');

    clock.ms += 10_000;
    await sample(90);
    await fullRound();
    clock.ms += 61_000;
    await sample(95);
    await fullRound();
    const second = (await alertsOf(inst.id))[1];
    assert.equal(second?.state, 'firing');
    assert.deepEqual((await transitionsOf(second!.id)).map((t) => t.to_state), ['pending', 'firing']);
  });

  test('a restart, and a second alerter standing by, change nothing already decided', async () => {
    const firingBefore = (await tenant.pool.query(`SELECT id, state FROM alerts WHERE project_id = $1 AND state <> 'resolved' ORDER BY id`, [tenant.projectId])).rows;
    const transitionsBefore = (await tenant.pool.query('SELECT count(*)::int AS n FROM alert_transitions WHERE project_id = $1', [tenant.projectId])).rows[0].n;
    const mailsBefore = (await mailbox()).length;
    const standby = await startAlerter(config, { now: clock.now, leaderRetryMs: 100, outboxIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(standby.leading(), false, 'the lock is held: the second alerter stands by');
    await alerter.close();
    await until('the standby takes over', async () => standby.leading());
    alerter = standby;
    await fullRound();
    await fullRound();
    const firingAfter = (await tenant.pool.query(`SELECT id, state FROM alerts WHERE project_id = $1 AND state <> 'resolved' ORDER BY id`, [tenant.projectId])).rows;
    assert.deepEqual(firingAfter, firingBefore);
    assert.equal((await tenant.pool.query('SELECT count(*)::int AS n FROM alert_transitions WHERE project_id = $1', [tenant.projectId])).rows[0].n, transitionsBefore);
    assert.equal((await mailbox()).length, mailsBefore);
  });

  test('silenced alerts are tracked but not emailed; an instance that stops reporting resolves its alerts', async () => {
    const inst = await createInstance(tenant.pool, tenant.projectId, { app: 'quiet', startedAtMs: clock.ms - 600_000, lastSeenMs: clock.ms });
    const { rows } = await tenant.pool.query(`SELECT id FROM apps WHERE project_id = $1 AND name = 'quiet'`, [tenant.projectId]);
    await tenant.pool.query(`INSERT INTO silences (id, project_id, app_id, starts_at, ends_at) VALUES (gen_random_uuid(), $1, $2, $3, $4)`, [
      tenant.projectId, rows[0].id, new Date(clock.ms - 1000), new Date(clock.ms + 3600_000),
    ]);
    await addThresholdRule(tenant.pool, tenant.projectId, { metric: 'process.memory.rss', op: '>', value: 1e9, appId: rows[0].id });
    await insertSamples(tenant.pool, inst.id, [{ ts: clock.ms - 500, values: { 'process.memory.rss': 2e9 } }]);
    await fullRound();
    const [alert] = await alertsOf(inst.id);
    assert.equal(alert?.state, 'firing');
    await until('the outbox pass', async () => (await transitionsOf(alert!.id))[0]?.dispatch === 'silenced');
    clock.ms += config.liveWindowSeconds * 1000 + 1000;
    await fullRound();
    assert.equal((await alertsOf(inst.id))[0]?.state, 'resolved');
    const reason = (await tenant.pool.query(`SELECT reason FROM alert_transitions WHERE alert_id = $1 AND to_state = 'resolved'`, [alert!.id])).rows[0]?.reason;
    assert.match(reason, /stopped reporting/);
    await until('the outbox pass', async () => (await transitionsOf(alert!.id)).every((t) => t.dispatch !== 'pending'));
    // The other tests' instances went silent too, and their resolutions were emailed; this alert's never.
    const mails = await mailbox();
    assert.ok(mails.some((m) => /RESOLVED/.test(m.subject)), 'resolutions of unsilenced alerts are emailed');
    assert.ok(mails.every((m) => !m.alert_ids.includes(alert!.id)), 'neither the firing nor the resolution of a silenced alert is emailed');
  });
});
