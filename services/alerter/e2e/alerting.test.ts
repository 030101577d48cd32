// End to end, with real processes only: the examples/ apps under their real
// agents → ingest → PostgreSQL → the alerter → a real SMTP server and a
// socket.io client. Time runs fast (agents sample every 0.5 s, buckets are
// 1 s, rule windows minutes), so a leak that real rules would flag in 25
// minutes is flagged in under one; the detectors and the lifecycle are the
// production ones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { createTenant, createTestDatabase, type Tenant } from '@memsight/db/testing';
import type { AlertList, AlertTransitionEvent, ClientToServerEvents, ServerToClientEvents } from '@memsight/contracts';
import { EXAMPLES, exampleCommand, REPO_ROOT } from '../../../scripts/lib/examples';
import { freePort } from '../../../scripts/lib/free-port';
import { inheritedEnvironment } from '../../../scripts/lib/stack-config';
import { SmtpSink } from '../src/test/smtp-sink';
import { E2E_LEAK_RATE_FLOOR, Proc, service, until, waitForHttp } from './processes';

const RULES = [
  // Warm-up covers the apps' start (the fragmentation app loads its 160 MB then), as the default 3 min does at real rates.
  { kind: 'leak', forSeconds: 5, keepFiringForSeconds: 10, params: { windowSeconds: 240, minSpanSeconds: 30, warmupSeconds: 30, minRateBytesPerHour: E2E_LEAK_RATE_FLOOR } },
  { kind: 'fragmentation', forSeconds: 10, keepFiringForSeconds: 10, params: { windowSeconds: 60, minSpanSeconds: 20, warmupSeconds: 10 } },
  // The agents' GC probe runs every 2 s here (every 3 min by default): 30 forced major GCs a minute are no storm.
  { kind: 'gc', params: { maxFullCollectionsPerMinute: 120 } },
];
const AGENT = { MEMSIGHT_INTERVAL: '0.5', MEMSIGHT_FLUSH_INTERVAL: '1', MEMSIGHT_SLOW_INTERVAL: '2', MEMSIGHT_GC_PROBE: '2', MEMSIGHT_LOG_LEVEL: 'warning' };
const APPS: Record<string, Record<string, string>> = {
  'py-cache-leak': { LEAK_MB_PER_HOUR: '10800', LEAK_SECONDS: '90', LEAK_MAX_MB: '400' },
  'node-cache-leak': { LEAK_MB_PER_HOUR: '10800', LEAK_MAX_MB: '300' },
  'py-fragmentation': { FRAGMENT_MB: '160' },
  'py-healthy': {},
};

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('leaky apps → alerts, live and by email, through crashes and an SMTP outage', () => {
  let db: { url: string; drop: () => Promise<void> };
  let tenant: Tenant;
  let ingest: Proc;
  let alerter: Proc;
  let alerterEnv: NodeJS.ProcessEnv;
  let ingestUrl: string;
  let socket: Client;
  const apps: Proc[] = [];
  const smtp = new SmtpSink();
  const events: AlertTransitionEvent[] = [];
  const logs = () => [ingest, alerter, ...apps].filter(Boolean).map((p) => p.tail()).join('\n');
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${ingestUrl}${path}`, { ...init, headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json', ...init?.headers } });
    const body = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  };
  const mailsAbout = (app: string, change: RegExp) => smtp.received.filter((m) => m.parsed.subject?.includes(app) && change.test(m.parsed.subject ?? ''));
  const unsent = async () =>
    Number((await tenant.pool.query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE project_id = $1 AND status = 'pending'`, [tenant.projectId])).rows[0]!.n);
  /** What happened, for a failed assertion: every email and every alert, in order. */
  const story = async () => {
    const { alerts } = await api<AlertList>('/api/alerts?limit=500');
    const mails = smtp.received.map((m) => `${m.parsed.date?.toISOString()} ${m.parsed.messageId} ${m.parsed.subject}`);
    const list = alerts.map((a) => `${a.appName} ${a.kind} ${a.state} from ${a.startedAt} to ${a.resolvedAt ?? '-'}: ${a.summary}`);
    return `emails:\n${mails.join('\n')}\nalerts:\n${list.join('\n')}\n${logs()}`;
  };
  const eventFor = (app: string, kind: string, to: string) => events.find((e) => e.alert.appName === app && e.alert.kind === kind && e.transition.to === to);

  before(async () => {
    db = await createTestDatabase('e2e');
    tenant = await createTenant('e2e', db.url);
    await smtp.start();
    const ingestPort = await freePort();
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    ingest = service('ingest', { DATABASE_URL: db.url, INGEST_PORT: String(ingestPort), LOG_LEVEL: 'warn' }).start();
    alerterEnv = {
      DATABASE_URL: db.url, ALERTER_PORT: String(await freePort()), LOG_LEVEL: 'warn', ALERTER_SMTP_URL: smtp.url,
      ALERTER_BUCKET_SECONDS: '1', ALERTER_HISTORY_SECONDS: '600', ALERTER_EVALUATION_INTERVAL_SECONDS: '2',
      ALERTER_GROUP_WAIT_SECONDS: '1', ALERTER_SMTP_RETRY_MAX_SECONDS: '4', ALERTER_SMTP_TIMEOUT_SECONDS: '2',
    };
    alerter = service('alerter', alerterEnv).start();
    await waitForHttp(`${ingestUrl}/readyz`, 60_000);
    await waitForHttp(`http://127.0.0.1:${alerterEnv.ALERTER_PORT}/readyz`, 60_000);
    // Project-wide overrides of the default rules: the same detectors on a fast clock.
    for (const rule of RULES) await api('/api/rules', { method: 'POST', body: JSON.stringify({ ...rule, name: `e2e ${rule.kind}` }) });
    await api('/api/channels', { method: 'POST', body: JSON.stringify({ kind: 'email', target: 'oncall@example.com' }) });
    socket = connect(ingestUrl, { auth: { apiKey: tenant.apiKey }, transports: ['websocket'] });
    socket.on('alert:transition', (e) => events.push(e));
    await until('the socket', () => socket.connected, 30_000);
    for (const [name, env] of Object.entries(APPS)) {
      const example = EXAMPLES.find((e) => e.name === name)!;
      const cmd = exampleCommand(example);
      apps.push(
        new Proc(name, cmd.command, cmd.args, {
          cwd: REPO_ROOT,
          env: { ...inheritedEnvironment(), ...cmd.env, ...AGENT, ...env, MEMSIGHT_ENDPOINT: ingestUrl, MEMSIGHT_API_KEY: tenant.apiKey, MEMSIGHT_APP: name },
        }).start(),
      );
    }
  });
  after(async () => {
    socket?.disconnect();
    await Promise.all([...apps, alerter, ingest].filter(Boolean).map((p) => p.stop()));
    await smtp.stop();
    await tenant?.cleanup();
    await db?.drop();
  });

  test('a leaking app raises a leak alert: one email with its chart, and the event on the socket', async () => {
    const fired = await until('the leak alert of py-cache-leak', () => eventFor('py-cache-leak', 'leak', 'firing'), 120_000, logs);
    assert.equal(fired.alert.state, 'firing');
    assert.ok(fired.alert.value && fired.alert.value > 1e9, `the rate is in bytes/hour (${fired.alert.value})`);
    const [mail] = await until('the email', () => (mailsAbout('py-cache-leak', /FIRING/).length ? mailsAbout('py-cache-leak', /FIRING/) : undefined), 20_000, logs);
    assert.match(mail!.raw, /multipart\/related/i, 'the chart travels inline, next to the HTML');
    const png = mail!.parsed.attachments.find((a) => a.contentType === 'image/png');
    assert.ok(png && png.related && png.cid, 'the chart is an inline (CID) PNG');
    assert.ok((mail!.parsed.html || '').includes(`cid:${png!.cid}`));
    assert.match(mail!.parsed.text ?? '', /py-cache-leak/);
  });

  test('killing the alerter while the alert fires sends no duplicate email', async () => {
    // Crash once the email is recorded as sent: between the SMTP server's 250 and that record is the one
    // window where a crash resends (with the same Message-ID; notify/outbox-worker.ts), and a loaded machine widens it.
    await until('the firing email recorded as sent', async () => ((await unsent()) === 0 ? true : undefined), 20_000, logs);
    const before = mailsAbout('py-cache-leak', /FIRING/).length;
    await alerter.crash();
    alerter = service('alerter', alerterEnv).start();
    await waitForHttp(`http://127.0.0.1:${alerterEnv.ALERTER_PORT}/readyz`, 60_000);
    const status = async () => (await (await fetch(`http://127.0.0.1:${alerterEnv.ALERTER_PORT}/status`)).json()) as { leading: boolean; evaluations: number };
    await until('the new alerter to lead and evaluate twice', async () => ((await status()).evaluations >= 2 ? true : undefined), 60_000, logs);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(mailsAbout('py-cache-leak', /FIRING/).length, before, await story());
    const { alerts } = await api<AlertList>('/api/alerts?kind=leak');
    assert.equal(alerts.filter((a) => a.appName === 'py-cache-leak').length, 1, `the same alert, still one\n${await story()}`);
  });

  test('with SMTP down for 60 s, the resolution that happens meanwhile is emailed exactly once after recovery', async () => {
    const port = smtp.port;
    await smtp.stop();
    const downAt = Date.now();
    // The app's leak ends at 90 s; the alert resolves once its floor has been flat for a while.
    const resolved = await until('the resolution', () => eventFor('py-cache-leak', 'leak', 'resolved'), 120_000, logs);
    assert.equal(resolved.alert.state, 'resolved');
    await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - downAt))));
    assert.equal(mailsAbout('py-cache-leak', /RESOLVED/).length, 0);
    await smtp.start(port);
    await until('the resolved email', () => mailsAbout('py-cache-leak', /RESOLVED/).length > 0, 30_000, logs);
    await new Promise((r) => setTimeout(r, 5000));
    assert.equal(mailsAbout('py-cache-leak', /RESOLVED/).length, 1, `once, not once per try\n${await story()}`);
    assert.equal(mailsAbout('py-cache-leak', /FIRING/).length, 1, await story());
  });

  test('the Node leak is found on the heap floor the GC probe provides', async () => {
    const fired = await until('the leak alert of node-cache-leak', () => eventFor('node-cache-leak', 'leak', 'firing'), 60_000, logs);
    assert.equal(fired.alert.metric, 'v8js.memory.heap.used_after_gc');
  });

  test('the fragmentation-only app raises fragmentation and never leak; the healthy app raises nothing', async () => {
    await until('the fragmentation alert', () => eventFor('py-fragmentation', 'fragmentation', 'firing'), 60_000, logs);
    const { alerts } = await api<AlertList>('/api/alerts?limit=500');
    const of = (app: string) => alerts.filter((a) => a.appName === app).map((a) => `${a.kind}:${a.state}`);
    const leaks = alerts.filter((a) => a.appName === 'py-fragmentation' && a.kind === 'leak');
    assert.deepEqual(of('py-fragmentation').filter((k) => k.startsWith('leak')), [], `not even a pending leak alert: ${leaks.map((a) => `${a.startedAt} ${a.summary}`).join('; ')}`);
    assert.deepEqual(of('py-healthy'), []);
    assert.deepEqual(of('node-cache-leak').filter((k) => !k.startsWith('leak')), [], 'a heap leak is a leak, nothing else');
  });
});
