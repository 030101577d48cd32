// Email delivery against a real SMTP server on loopback: grouping, exactly one
// email per transition across an SMTP outage, Message-ID kept across retries,
// and reminders that an acknowledgement holds back. (The inline chart of a
// leak alert is checked end to end, in e2e/alerting.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTenant, createTestDatabase, type Tenant } from '@memsight/db/testing';
import { PG_CHANNELS } from '@memsight/contracts';
import { startAlerter, type Alerter } from '../alerter';
import { loadAlerterConfig } from '../config';
import { until } from '../test/until';
import { addEmailChannel, addThresholdRule, createInstance, insertSamples } from '../test/fixtures';
import { SmtpSink } from '../test/smtp-sink';
import { retryDelaySeconds } from './outbox-worker';


describe('email outbox over SMTP', () => {
  let db: { url: string; drop: () => Promise<void> };
  let tenant: Tenant;
  let alerter: Alerter;
  const smtp = new SmtpSink();
  const clock = { ms: Date.now() };
  const now = () => clock.ms;

  const fullRound = async () => {
    const before = alerter.evaluations();
    await tenant.pool.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.rulesChanged, tenant.projectId]);
    await until('a full round', () => alerter.evaluations() > before);
    await alerter.whenIdle();
  };
  const notifications = async () =>
    (await tenant.pool.query<{ status: string; attempts: number; message_id: string }>('SELECT status, attempts, message_id FROM notifications WHERE project_id = $1 ORDER BY created_at', [tenant.projectId])).rows;

  before(async () => {
    db = await createTestDatabase('outbox');
    tenant = await createTenant('outbox', db.url);
    await smtp.start();
    const config = loadAlerterConfig({}, {
      databaseUrl: db.url, port: 0, logLevel: 'silent', evaluationIntervalSeconds: 3600, bucketSeconds: 10,
      smtpUrl: smtp.url, groupWaitSeconds: 2, repeatIntervalSeconds: 600, smtpRetryMaxSeconds: 1, smtpTimeoutSeconds: 2,
    });
    alerter = await startAlerter(config, { now, leaderRetryMs: 100, outboxIntervalMs: 50 });
    await until('leadership', () => alerter.leading());
    await addEmailChannel(tenant.pool, tenant.projectId, 'oncall@example.com');
    await addEmailChannel(tenant.pool, tenant.projectId, 'lead@example.com');
  });
  after(async () => {
    await alerter?.close();
    await smtp.stop();
    await tenant?.cleanup();
    await db?.drop();
  });

  test('alerts of one app and kind that fire together go out as one email per channel, after the group wait', async () => {
    const a = await createInstance(tenant.pool, tenant.projectId, { app: 'checkout', startedAtMs: clock.ms - 3600_000, lastSeenMs: clock.ms });
    const b = await createInstance(tenant.pool, tenant.projectId, { app: 'checkout', startedAtMs: clock.ms - 3600_000, lastSeenMs: clock.ms });
    await addThresholdRule(tenant.pool, tenant.projectId, { metric: 'process.memory.rss', op: '>', value: 1e9, appId: a.appId });
    for (const inst of [a, b]) await insertSamples(tenant.pool, inst.id, [{ ts: clock.ms - 500, values: { 'process.memory.rss': 1.5e9 } }]);
    await fullRound();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.received.length, 0, 'nothing goes out before the group wait');
    clock.ms += 2500;
    await until('two emails', () => smtp.received.length === 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.received.length, 2, 'one per channel, not one per alert');
    const mail = smtp.received[0]!.parsed;
    assert.match(mail.subject ?? '', /^\[FIRING:2\]/);
    assert.match(mail.text ?? '', new RegExp(`instance ${a.id}`));
    assert.match(mail.text ?? '', new RegExp(`instance ${b.id}`));
    assert.deepEqual(smtp.received.map((m) => m.parsed.to && 'text' in m.parsed.to ? m.parsed.to.text : '').sort(), ['lead@example.com', 'oncall@example.com']);
    const ids = (await notifications()).map((n) => `<${n.message_id}>`);
    assert.deepEqual(smtp.received.map((m) => m.parsed.messageId).sort(), ids.sort(), 'each email carries its notification\'s Message-ID');
    assert.match(smtp.received[0]!.raw, /Content-Type: multipart\/alternative/i, 'a text and an HTML part');
  });

  test('with the SMTP server down, the email is retried and delivered exactly once after it comes back', async () => {
    const inst = await createInstance(tenant.pool, tenant.projectId, { app: 'billing', startedAtMs: clock.ms - 3600_000, lastSeenMs: clock.ms });
    await addThresholdRule(tenant.pool, tenant.projectId, { metric: 'process.threads', op: '>', value: 100, appId: inst.appId });
    const port = smtp.port;
    await smtp.stop();
    const before = smtp.received.length;
    await insertSamples(tenant.pool, inst.id, [{ ts: clock.ms - 500, values: { 'process.threads': 500 } }]);
    await fullRound();
    clock.ms += 2500;
    // The outbox schedules retries on the alerter's clock: let it run.
    const tick = async <T>(probe: () => Promise<T> | T) => {
      clock.ms += 250;
      return probe();
    };
    await until('failed tries', () => tick(async () => (await notifications()).filter((n) => n.status === 'pending' && n.attempts >= 2).length === 2));
    await smtp.start(port);
    await until('delivery', () => tick(() => smtp.received.length === before + 2));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(smtp.received.length, before + 2, 'no duplicate after recovery');
    const billing = smtp.received.slice(before);
    assert.ok(billing.every((m) => /FIRING/.test(m.parsed.subject ?? '') && /billing/.test(m.parsed.subject ?? '')));
    assert.ok((await notifications()).every((n) => n.status === 'sent'));
  });

  test('a firing alert is emailed again after the repeat interval, unless acknowledged', async () => {
    const sentBefore = smtp.received.length;
    const firing = (await tenant.pool.query(`SELECT count(*)::int AS n FROM alerts WHERE project_id = $1 AND state = 'firing'`, [tenant.projectId])).rows[0].n;
    assert.equal(firing, 3);
    // Acknowledge the billing alert; the checkout ones stay unacknowledged.
    await tenant.pool.query(
      `UPDATE alerts SET ack_at = $2 FROM apps WHERE apps.id = alerts.app_id AND apps.name = 'billing' AND alerts.project_id = $1`,
      [tenant.projectId, new Date(clock.ms)],
    );
    clock.ms += 601_000;
    await until('reminders', () => smtp.received.length === sentBefore + 2);
    await new Promise((r) => setTimeout(r, 500));
    const reminders = smtp.received.slice(sentBefore);
    assert.equal(reminders.length, 2, 'one reminder per channel, for the unacknowledged group only');
    assert.ok(reminders.every((m) => /checkout/.test(m.parsed.subject ?? '')));
  });

  test('retries back off exponentially up to the cap, with jitter', () => {
    assert.equal(retryDelaySeconds(0, 300, () => 0.5), 2);
    assert.equal(retryDelaySeconds(3, 300, () => 0.5), 16);
    assert.equal(retryDelaySeconds(30, 300, () => 0.5), 300);
    assert.ok(retryDelaySeconds(2, 300, () => 0) < retryDelaySeconds(2, 300, () => 1));
  });
});
