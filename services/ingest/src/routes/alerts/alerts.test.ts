// The alerts API and the live relay, over real HTTP and socket.io. Alerts are
// written the way the alerter writes them (rows, transitions, NOTIFY in one
// transaction), so these tests need no alerter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { EVENTS, PG_CHANNELS, type AlertDetail, type AlertList, type AlertTransitionEvent, type AlertTransitionList, type ClientToServerEvents, type ServerToClientEvents } from '@memsight/contracts';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

async function seedInstance(url: string, tenant: Tenant): Promise<{ instanceId: string; appId: string }> {
  const res = await fetch(`${url}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
    body: JSON.stringify(rebaseBatch(readGolden('valid', 'python-batch'), Date.now())),
  });
  assert.equal(res.status, 200);
  const { rows } = await tenant.pool.query('SELECT id::text AS "instanceId", app_id AS "appId" FROM instances WHERE project_id = $1', [tenant.projectId]);
  return rows[0];
}

/** An alert (under a rule of its own) and its transition, written as the alerter does: one transaction, NOTIFY per transition. */
async function writeAlert(tenant: Tenant, scope: { instanceId: string; appId: string }, o: { kind: string; state: string; startedAt: Date; summary: string }) {
  const { rows: rules } = await tenant.pool.query(
    `INSERT INTO alert_rules (id, project_id, kind, name, params) VALUES (gen_random_uuid(), $1, $2, $3, '{"metric":"process.threads","value":1}') RETURNING id`,
    [tenant.projectId, o.kind, `${o.kind} test rule`],
  );
  const id = randomUUID();
  const client = await tenant.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO alerts (id, project_id, rule_id, instance_id, app_id, kind, state, severity, summary, metric, value, evidence, started_at, fired_at, last_evaluated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'warning', $8, 'process.memory.rss', 12e6, '{"nextStep":"look at the cache"}', $9, CASE WHEN $7 <> 'pending' THEN $9::timestamptz END, $9)`,
      [id, tenant.projectId, rules[0].id, scope.instanceId, scope.appId, o.kind, o.state, o.summary, o.startedAt],
    );
    const { rows } = await client.query(
      `INSERT INTO alert_transitions (alert_id, project_id, from_state, to_state, at, reason) VALUES ($1, $2, NULL, $3, $4, 'test') RETURNING id::text`,
      [id, tenant.projectId, o.state === 'resolved' ? 'firing' : o.state, o.startedAt],
    );
    await client.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.alertTransitions, JSON.stringify({ transitionId: rows[0].id, projectId: tenant.projectId })]);
    await client.query('COMMIT');
    return { id, transitionId: rows[0].id as string };
  } finally {
    client.release();
  }
}

describe('alerts API and live feed', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  let scope: { instanceId: string; appId: string };
  let strangerScope: { instanceId: string; appId: string };
  const sockets: Client[] = [];
  const open = (apiKey: string): Client => {
    const s: Client = connect(url, { auth: { apiKey }, transports: ['websocket'], reconnection: false });
    sockets.push(s);
    return s;
  };
  const call = (method: string, path: string, body?: unknown, key = owner.apiKey) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    owner = await createTenant('alerts-owner');
    stranger = await createTenant('alerts-stranger');
    const started = await startTestIngest();
    url = started.url;
    close = () => started.app.close();
    scope = await seedInstance(url, owner);
    strangerScope = await seedInstance(url, stranger);
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  test("a committed transition reaches its tenant's sockets, and only theirs", async () => {
    const mine = open(owner.apiKey);
    const theirs = open(stranger.apiKey);
    await Promise.all([mine, theirs].map((s) => new Promise((r) => s.once('connect', () => r(undefined)))));
    const strangerGot: AlertTransitionEvent[] = [];
    theirs.on(EVENTS.alertTransition, (e) => strangerGot.push(e));
    const received = new Promise<AlertTransitionEvent>((resolve) => mine.once(EVENTS.alertTransition, resolve));
    const written = await writeAlert(owner, scope, { kind: 'leak', state: 'firing', startedAt: new Date(), summary: 'heap floor grows 12 MB/h' });
    const event = await received;
    assert.equal(event.cursor, written.transitionId);
    assert.equal(event.alert.id, written.id);
    assert.equal(event.alert.state, 'firing');
    assert.equal(event.alert.appName, readGolden('valid', 'python-batch').instance.app);
    assert.equal(event.transition.to, 'firing');
    assert.equal(event.alert.link, `/instances/${scope.instanceId}`);
    // The stranger's own alert arrives to them: proof their socket was listening all along.
    const theirOwn = new Promise<AlertTransitionEvent>((resolve) => theirs.once(EVENTS.alertTransition, resolve));
    await writeAlert(stranger, strangerScope, { kind: 'gc', state: 'pending', startedAt: new Date(), summary: 'theirs' });
    assert.equal((await theirOwn).alert.summary, 'theirs');
    assert.deepEqual(strangerGot.map((e) => e.alert.summary), ['theirs']);
  });

  test('a transition written while the relay\'s database session was down reaches the socket once it is back', async () => {
    const mine = open(owner.apiKey);
    await new Promise((r) => mine.once('connect', () => r(undefined)));
    const got: AlertTransitionEvent[] = [];
    mine.on(EVENTS.alertTransition, (e) => got.push(e));
    // This process's ingest listens on a session named after it (plugins/app/listener.ts).
    const session = async () =>
      (await owner.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [`memsight-ingest-listener:${process.pid}`])).rows[0]?.pid;
    const pid = await session();
    assert.ok(pid, 'the relay listens');
    // Waits until that session has ended: its NOTIFY below cannot be heard.
    await owner.pool.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
    const written = await writeAlert(owner, scope, { kind: 'leak', state: 'firing', startedAt: new Date(), summary: 'while deaf' });
    const deadline = Date.now() + 10_000;
    while (!got.some((e) => e.cursor === written.transitionId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(got.filter((e) => e.alert.id === written.id).map((e) => e.transition.to), ['firing'], 'caught up, once');
    assert.notEqual(await session(), pid, 'on a new session');
  });

  test('a reconnecting client catches up by cursor', async () => {
    const { cursor } = (await (await call('GET', '/api/alerts/transitions')).json()) as AlertTransitionList;
    const a = await writeAlert(owner, scope, { kind: 'gc', state: 'pending', startedAt: new Date(), summary: 'missed one' });
    const b = await writeAlert(owner, scope, { kind: 'fragmentation', state: 'firing', startedAt: new Date(), summary: 'missed two' });
    const res = (await (await call('GET', `/api/alerts/transitions?after=${cursor}`)).json()) as AlertTransitionList;
    assert.deepEqual(res.events.map((e) => e.alert.id), [a.id, b.id]);
    assert.equal(res.cursor, b.transitionId);
    assert.deepEqual((await (await call('GET', `/api/alerts/transitions?after=${res.cursor}`)).json()).events, []);
    const strangers = (await (await call('GET', `/api/alerts/transitions?after=0`, undefined, stranger.apiKey)).json()) as AlertTransitionList;
    assert.ok(strangers.events.every((e) => e.alert.summary === 'theirs'));
  });

  test('the list filters by state, kind and time and pages with a cursor', async () => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 5; i++) await writeAlert(owner, scope, { kind: 'threshold', state: 'resolved', startedAt: new Date(base + i * 60_000), summary: `old ${i}` });
    const page1 = (await (await call('GET', `/api/alerts?state=resolved&kind=threshold&limit=2`)).json()) as AlertList;
    assert.deepEqual(page1.alerts.map((a) => a.summary), ['old 4', 'old 3']);
    assert.ok(page1.nextCursor);
    const page2 = (await (await call('GET', `/api/alerts?state=resolved&kind=threshold&limit=2&cursor=${page1.nextCursor}`)).json()) as AlertList;
    assert.deepEqual(page2.alerts.map((a) => a.summary), ['old 2', 'old 1']);
    const ranged = (await (await call('GET', `/api/alerts?kind=threshold&from=${base + 60_000}&to=${base + 180_000}`)).json()) as AlertList;
    assert.deepEqual(ranged.alerts.map((a) => a.summary), ['old 2', 'old 1']);
    const both = (await (await call('GET', `/api/alerts?state=firing&state=pending&appId=${scope.appId}`)).json()) as AlertList;
    assert.ok(both.alerts.length >= 3 && both.alerts.every((a) => a.state !== 'resolved'));
    const bad = await call('GET', '/api/alerts?state=burning');
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /"state" has "burning"; use pending, firing, resolved/);
    assert.equal((await call('GET', '/api/alerts?cursor=nonsense')).status, 400);
    assert.equal((await (await call('GET', '/api/alerts', undefined, stranger.apiKey)).json()).alerts.every((a: { summary: string }) => a.summary === 'theirs'), true);
  });

  test('detail carries evidence and transitions; acknowledgement sets, expires and clears', async () => {
    const { id } = await writeAlert(owner, scope, { kind: 'leak', state: 'firing', startedAt: new Date(), summary: 'to acknowledge' });
    const detail = (await (await call('GET', `/api/alerts/${id}`)).json()) as AlertDetail;
    assert.equal(detail.evidence.nextStep, 'look at the cache');
    assert.equal(detail.transitions.length, 1);
    assert.equal(detail.acknowledged, null);
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const acked = (await (await call('POST', `/api/alerts/${id}/ack`, { comment: 'on it', expiresAt })).json()) as AlertDetail;
    assert.equal(acked.acknowledged?.comment, 'on it');
    assert.equal(acked.acknowledged?.expiresAt, expiresAt);
    const past = await call('POST', `/api/alerts/${id}/ack`, { expiresAt: '2020-01-01T00:00:00Z' });
    assert.equal(past.status, 400);
    assert.equal((await past.json()).error.details[0].path, '/expiresAt');
    assert.equal((await call('POST', `/api/alerts/${id}/ack`, {}, stranger.apiKey)).status, 404);
    const cleared = (await (await call('DELETE', `/api/alerts/${id}/ack`)).json()) as AlertDetail;
    assert.equal(cleared.acknowledged, null);
    assert.equal((await call('GET', `/api/alerts/${randomUUID()}`)).status, 404);
    assert.equal((await call('GET', '/api/alerts/not-a-uuid')).status, 400);
  });

  test('silences match by app, instance and kind, show as active, and expire', async () => {
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const created = await call('POST', '/api/silences', { matchers: { appId: scope.appId, kind: 'leak' }, endsAt, comment: 'deploy' });
    assert.equal(created.status, 201);
    const silence = await created.json();
    assert.equal(silence.active, true);
    const leaks = (await (await call('GET', `/api/alerts?kind=leak&state=firing`)).json()) as AlertList;
    assert.ok(leaks.alerts.length > 0 && leaks.alerts.every((a) => a.silenced));
    const gc = (await (await call('GET', `/api/alerts?kind=gc`)).json()) as AlertList;
    assert.ok(gc.alerts.every((a) => !a.silenced));
    assert.equal((await call('POST', '/api/silences', { matchers: {}, endsAt })).status, 400);
    const inPast = await call('POST', '/api/silences', { matchers: { kind: 'gc' }, endsAt: '2020-01-01T00:00:00Z' });
    assert.equal((await inPast.json()).error.details[0].path, '/endsAt');
    const foreign = await call('POST', '/api/silences', { matchers: { appId: strangerScope.appId }, endsAt });
    assert.equal((await foreign.json()).error.details[0].path, '/matchers/appId');
    assert.equal((await call('DELETE', `/api/silences/${silence.id}`, undefined, stranger.apiKey)).status, 404);
    assert.equal((await call('DELETE', `/api/silences/${silence.id}`)).status, 204);
    const after = (await (await call('GET', '/api/silences?expired=1')).json()).silences;
    assert.equal(after.find((s: { id: string }) => s.id === silence.id).active, false);
    assert.equal((await (await call('GET', '/api/silences')).json()).silences.length, 0);
  });

  test('channels are validated email addresses, per project', async () => {
    const created = await call('POST', '/api/channels', { kind: 'email', target: 'oncall@example.com' });
    assert.equal(created.status, 201);
    const channel = await created.json();
    assert.equal(channel.name, 'oncall@example.com');
    const bad = await call('POST', '/api/channels', { kind: 'email', target: 'not an address' });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /target/);
    assert.equal((await call('PATCH', `/api/channels/${channel.id}`, { enabled: false })).status, 200);
    assert.equal((await (await call('GET', '/api/channels', undefined, stranger.apiKey)).json()).channels.length, 0);
    assert.equal((await call('DELETE', `/api/channels/${channel.id}`, undefined, stranger.apiKey)).status, 404);
    assert.equal((await call('DELETE', `/api/channels/${channel.id}`)).status, 204);
  });
});
