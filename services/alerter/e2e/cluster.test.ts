// Scale-out, with real processes: two ingest replicas and two alerters over
// one PostgreSQL, agents spread over both replicas, a socket.io client on
// each, a real SMTP server. An alert reaches every client exactly once (each
// replica relays the alerter's NOTIFY to its own sockets only), live samples
// reach a client on the other replica (socket.io's PostgreSQL adapter), a key
// revoked through one replica is refused by the other at once (its sockets
// closed), and killing the leading alerter while an email waits for SMTP hands
// over to the standby, which sends it once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { createTenant, createTestDatabase, type Tenant } from '@memsight/db/testing';
import type { AlertTransitionEvent, AppList, ClientToServerEvents, CreatedApiKey, InstanceList, SamplesAppended, ServerToClientEvents } from '@memsight/contracts';
import { EXAMPLES, exampleCommand, REPO_ROOT } from '../../../scripts/lib/examples';
import { freePort } from '../../../scripts/lib/free-port';
import { inheritedEnvironment } from '../../../scripts/lib/stack-config';
import { SmtpSink } from '../src/test/smtp-sink';
import { E2E_LEAK_RATE_FLOOR, Proc, service, until, waitForHttp } from './processes';

const LEAK_RULE = { kind: 'leak', forSeconds: 5, keepFiringForSeconds: 60, params: { windowSeconds: 240, minSpanSeconds: 30, warmupSeconds: 20, minRateBytesPerHour: E2E_LEAK_RATE_FLOOR } };
const AGENT = { MEMSIGHT_INTERVAL: '0.5', MEMSIGHT_FLUSH_INTERVAL: '1', MEMSIGHT_SLOW_INTERVAL: '2', MEMSIGHT_GC_PROBE: '2', MEMSIGHT_LOG_LEVEL: 'warning' };
/** The standby retries the lock this often (the alerter's default); the bound allows for a loaded machine. */
const HANDOVER_BOUND_MS = 15_000;

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('two ingest replicas and two alerters: every alert once per client, one email, a bounded handover', () => {
  let db: { url: string; drop: () => Promise<void> };
  let tenant: Tenant;
  const ingest: Proc[] = [];
  const ingestUrls: string[] = [];
  const alerters: { proc: Proc; url: string; env: NodeJS.ProcessEnv }[] = [];
  const apps: Proc[] = [];
  const clients: Client[] = [];
  const events: AlertTransitionEvent[][] = [[], []];
  const live: SamplesAppended[] = [];
  const smtp = new SmtpSink();
  const logs = () => [...ingest, ...alerters.map((a) => a.proc), ...apps].map((p) => p.tail()).join('\n');
  const api = async <T>(base: string, path: string, init?: RequestInit & { key?: string }): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${init?.key ?? tenant.apiKey}`, ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const firingMails = () => smtp.received.filter((m) => /FIRING/.test(m.parsed.subject ?? '') && m.parsed.subject?.includes('py-cache-leak'));
  const firingOf = (i: number) => events[i]!.filter((e) => e.alert.appName === 'py-cache-leak' && e.alert.kind === 'leak' && e.transition.to === 'firing');
  const status = async (url: string) => (await (await fetch(`${url}/status`)).json()) as { leading: boolean; evaluations: number };

  before(async () => {
    db = await createTestDatabase('cluster');
    tenant = await createTenant('cluster', db.url);
    await smtp.start();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      ingestUrls.push(`http://127.0.0.1:${port}`);
      // A long key cache: only the revocation NOTIFY can make the other replica refuse a revoked key quickly.
      ingest.push(service('ingest', { DATABASE_URL: db.url, INGEST_PORT: String(port), LOG_LEVEL: 'warn', INGEST_API_KEY_CACHE_TTL_SECONDS: '600' }).start());
    }
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const env = {
        DATABASE_URL: db.url, ALERTER_PORT: String(port), LOG_LEVEL: 'warn', ALERTER_SMTP_URL: smtp.url,
        ALERTER_BUCKET_SECONDS: '1', ALERTER_HISTORY_SECONDS: '600', ALERTER_EVALUATION_INTERVAL_SECONDS: '2',
        ALERTER_GROUP_WAIT_SECONDS: '1', ALERTER_SMTP_RETRY_MAX_SECONDS: '4', ALERTER_SMTP_TIMEOUT_SECONDS: '2',
      };
      alerters.push({ proc: service('alerter', env).start(), url: `http://127.0.0.1:${port}`, env });
    }
    for (const url of [...ingestUrls, ...alerters.map((a) => a.url)]) await waitForHttp(`${url}/readyz`, 60_000);
    await api(ingestUrls[0]!, '/api/rules', { method: 'POST', body: JSON.stringify({ ...LEAK_RULE, name: 'cluster leak' }) });
    await api(ingestUrls[1]!, '/api/channels', { method: 'POST', body: JSON.stringify({ kind: 'email', target: 'oncall@example.com' }) });
    for (let i = 0; i < 2; i++) {
      const socket: Client = connect(ingestUrls[i]!, { auth: { apiKey: tenant.apiKey }, transports: ['websocket'] });
      socket.on('alert:transition', (e) => events[i]!.push(e));
      clients.push(socket);
    }
    await until('both sockets', () => clients.every((c) => c.connected), 30_000);
    // The leaking app reports to the first replica, the healthy one to the second.
    for (const [name, i] of [['py-cache-leak', 0], ['py-healthy', 1]] as const) {
      const example = EXAMPLES.find((e) => e.name === name)!;
      const cmd = exampleCommand(example);
      const env = name === 'py-cache-leak' ? { LEAK_MB_PER_HOUR: '10800', LEAK_MAX_MB: '400' } : {};
      apps.push(
        new Proc(name, cmd.command, cmd.args, {
          cwd: REPO_ROOT,
          env: { ...inheritedEnvironment(), ...cmd.env, ...AGENT, ...env, MEMSIGHT_ENDPOINT: ingestUrls[i], MEMSIGHT_API_KEY: tenant.apiKey, MEMSIGHT_APP: name },
        }).start(),
      );
    }
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all([...apps, ...alerters.map((a) => a.proc), ...ingest].map((p) => p.stop()));
    await smtp.stop();
    await tenant?.cleanup();
    await db?.drop();
  });

  test('live samples committed by one replica reach a client subscribed on the other', async () => {
    const instanceId = await until('the leaking app\'s instance', async () => {
      const { body } = await api<AppList>(ingestUrls[1]!, '/api/apps');
      const app = body.apps.find((a) => a.name === 'py-cache-leak');
      if (!app) return undefined;
      return (await api<InstanceList>(ingestUrls[1]!, `/api/apps/${app.id}/instances`)).body.instances[0]?.id;
    }, 60_000, logs);
    clients[1]!.on('samples:appended', (p) => live.push(p));
    const ack = await clients[1]!.timeout(10_000).emitWithAck('instance:subscribe', { instanceId });
    assert.deepEqual(ack, { ok: true });
    const got = await until('a live batch on the second replica\'s socket', () => live.find((p) => p.instanceId === instanceId), 20_000, logs);
    assert.ok(got.rows.length > 0 && got.metrics.length > 0);
  });

  test('a key revoked through one replica is refused by the other at once, despite its 10-minute key cache', async () => {
    const { body: created } = await api<CreatedApiKey>(ingestUrls[0]!, '/api/keys', { method: 'POST', body: JSON.stringify({ name: 'to revoke', scope: 'read' }) });
    assert.equal((await api(ingestUrls[1]!, '/api/apps', { key: created.secret })).status, 200, 'the second replica now caches the key as valid');
    const socket: Client = connect(ingestUrls[1]!, { auth: { apiKey: created.secret }, transports: ['websocket'], reconnection: false });
    await until('a socket opened with the key', () => socket.connected, 10_000, logs);
    assert.equal((await api(ingestUrls[0]!, `/api/keys/${created.key.id}`, { method: 'DELETE' })).status, 200);
    await until('the second replica to refuse the revoked key', async () => (await api(ingestUrls[1]!, '/api/apps', { key: created.secret })).status === 401, 5_000, logs);
    await until('the second replica to close the socket the key opened', () => !socket.connected, 5_000, logs);
    socket.disconnect();
  });

  test('the leak fires: each client, on its own replica, gets the event exactly once, and one email is sent', async () => {
    await until('the firing event on both clients', () => firingOf(0).length > 0 && firingOf(1).length > 0, 150_000, logs);
    await until('the email', () => firingMails().length > 0, 30_000, logs);
    await new Promise((r) => setTimeout(r, 5000)); // room for a duplicate to arrive
    assert.deepEqual([firingOf(0).length, firingOf(1).length], [1, 1], 'once per client, not once per replica');
    assert.equal(firingOf(0)[0]!.transition.id, firingOf(1)[0]!.transition.id, 'the same transition');
    assert.equal(firingMails().length, 1, logs());
  });

  test('killing the leading alerter while an email waits for SMTP: the standby takes over within a bound and sends it once', async () => {
    const { body: appList } = await api<AppList>(ingestUrls[0]!, '/api/apps');
    const healthy = appList.apps.find((a) => a.name === 'py-healthy')!;
    const port = smtp.port;
    await smtp.stop();
    // A rule that fires at once, scoped to the healthy app: its email can only wait, SMTP being down.
    await api(ingestUrls[1]!, '/api/rules', { method: 'POST', body: JSON.stringify({ kind: 'threshold', name: 'cluster threads', appId: healthy.id, params: { metric: 'process.threads', op: '>', value: 0 } }) });
    const firing = (i: number) => events[i]!.filter((e) => e.alert.appName === 'py-healthy' && e.alert.kind === 'threshold' && e.transition.to === 'firing');
    await until('the threshold alert on both clients', () => firing(0).length > 0 && firing(1).length > 0, 60_000, logs);
    await until('its email pending', async () => {
      const { rows } = await tenant.pool.query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE project_id = $1 AND status = 'pending'`, [tenant.projectId]);
      return rows[0]!.n !== '0';
    }, 20_000, logs);
    const states = await Promise.all(alerters.map((a) => status(a.url)));
    assert.equal(states.filter((s) => s.leading).length, 1, 'exactly one alerter leads');
    const leader = alerters[states.findIndex((s) => s.leading)]!;
    const standby = alerters.find((a) => a !== leader)!;
    const before = (await status(standby.url)).evaluations;
    const killedAt = Date.now();
    await leader.proc.crash();
    await until('the standby to lead', async () => (await status(standby.url)).leading, HANDOVER_BOUND_MS, logs);
    console.log(`# handover: the standby led ${Date.now() - killedAt} ms after the leader was killed`);
    await smtp.start(port);
    const mails = () => smtp.received.filter((m) => /FIRING/.test(m.parsed.subject ?? '') && m.parsed.subject?.includes('py-healthy'));
    await until('the waiting email, sent by the new leader', () => mails().length > 0, 30_000, logs);
    await until('the new leader to evaluate twice', async () => (await status(standby.url)).evaluations >= before + 2, 60_000, logs);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(mails().length, 1, `the waiting email, once\n${logs()}`);
    assert.equal(firingMails().length, 1, 'no second email for the leak');
    assert.deepEqual([firingOf(0).length, firingOf(1).length, firing(0).length, firing(1).length], [1, 1, 1, 1], 'and no event twice');
  });
});
