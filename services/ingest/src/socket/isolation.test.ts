// Tenant isolation over socket.io (issue 14): a dashboard of project B cannot
// subscribe to A's instances, even by ids next to its own, and receives none
// of A's live samples or alert transitions, even naming A's project in auth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { io as connect, type Socket } from 'socket.io-client';
import { EVENTS, type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck } from '@memsight/contracts';
import { startTestIngest } from '../testing/harness';
import { call, goldenBatch, makeTwoTenants, writeAlert, type TwoTenants } from '../testing/two-tenants';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('tenant isolation over socket.io', { timeout: 60_000 }, () => {
  let app: FastifyInstance;
  let url: string;
  let t: TwoTenants;
  const sockets: Client[] = [];
  const open = async (auth: Record<string, string>): Promise<Client> => {
    const s: Client = connect(url, { auth, transports: ['websocket'], reconnection: false });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  };
  /** Every event a socket receives, by name, from now on. */
  const record = (s: Client) => {
    const seen: { event: string; payload: unknown }[] = [];
    s.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
    return seen;
  };
  const until = async (what: string, check: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  before(async () => {
    ({ app, url } = await startTestIngest({ rollupIntervalSeconds: 0, socketAdapter: 'local' }));
    t = await makeTwoTenants(url, 'socket-isolation');
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await app.close();
    await t.cleanup();
  });

  test("B cannot subscribe to A's instances, by their ids or by guessing next to its own", async () => {
    const b = await open({ apiKey: t.b.tenant.apiKey });
    const guesses = [-2, -1, 1, 2].map((d) => String(BigInt(t.b.instanceId) + BigInt(d)));
    for (const instanceId of [t.a.ids.instanceId, t.a.ids.secondInstanceId, ...guesses]) {
      const ack: SubscribeAck = await b.timeout(5_000).emitWithAck(EVENTS.subscribe, { instanceId });
      assert.deepEqual(ack.ok ? 'joined' : ack.error.code, 'not_found', `subscribe to ${instanceId}`);
    }
    assert.deepEqual(await b.timeout(5_000).emitWithAck(EVENTS.subscribe, { instanceId: t.b.instanceId }), { ok: true }, 'its own instance it can');
  });

  test("B receives none of A's live samples or alert transitions, even naming A's project", async () => {
    const a = await open({ apiKey: t.a.tenant.apiKey });
    assert.deepEqual(await a.timeout(5_000).emitWithAck(EVENTS.subscribe, { instanceId: t.a.ids.instanceId }), { ok: true });
    const b = await open({ apiKey: t.b.tenant.apiKey });
    const forged = await open({ apiKey: t.b.tenant.apiKey, project: t.a.tenant.projectId });
    // B watches its own instance, so live samples flow to its sockets at all.
    for (const s of [b, forged]) assert.deepEqual(await s.timeout(5_000).emitWithAck(EVENTS.subscribe, { instanceId: t.b.instanceId }), { ok: true });
    const seenByA = record(a);
    const seenByB = [record(b), record(forged)];

    const res = await call(url, t.a.tenant.apiKey, 'POST', '/v1/ingest', goldenBatch(t.a.agentInstanceId, t.a.appName, Date.now() + 1000, 2));
    assert.equal(res.status, 200);
    await writeAlert(t.a.tenant, { instanceId: t.a.ids.instanceId, appId: t.a.ids.appId });
    await until("A's samples and transition at A's socket", () =>
      seenByA.some((e) => e.event === EVENTS.samplesAppended) && seenByA.some((e) => e.event === EVENTS.alertTransition));
    // B's own next batch reaches B's sockets: they listen, and what came before it from A has had its chance.
    const own = await call(url, t.b.tenant.apiKey, 'POST', '/v1/ingest', goldenBatch(t.b.agentInstanceId, 'socket-isolation-b-app', Date.now() + 1000, 2));
    assert.equal(own.status, 200);
    await until("B's own samples at B's sockets", () => seenByB.every((seen) => seen.some((e) => e.event === EVENTS.samplesAppended)));
    await new Promise((r) => setTimeout(r, 300));
    const aIds = new Set([t.a.ids.instanceId, t.a.ids.secondInstanceId, t.a.ids.appId]);
    for (const seen of seenByB) {
      const leaked = seen.filter((e) => JSON.stringify(e.payload).includes(t.a.appName) || [...aIds].some((id) => JSON.stringify(e.payload).includes(`"${id}"`)));
      assert.deepEqual(leaked, [], "B's socket received A's events");
      assert.deepEqual(seen.filter((e) => e.event === EVENTS.alertTransition), [], 'B has no transitions of its own here');
    }
  });
});
