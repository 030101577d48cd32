// The socket.io gateway with a real client over loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { EVENTS, type ClientToServerEvents, type ServerToClientEvents, type SamplesAppended, type SubscribeAck } from '@memsight/contracts';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { createTenant, startTestIngest, type Tenant } from '../testing/harness';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

// socket.io's client is not a Node EventEmitter, so events.once() does not take it.
function nextEvent<T = unknown>(socket: Client, event: string): Promise<T> {
  return new Promise((resolve) => (socket as unknown as { once: (e: string, cb: (v: T) => void) => void }).once(event, resolve));
}

describe('socket.io gateway', () => {
  let tenant: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  const sockets: Client[] = [];

  const open = (apiKey: string): Client => {
    const s: Client = connect(url, { auth: { apiKey }, transports: ['websocket'], reconnection: false });
    sockets.push(s);
    return s;
  };
  const post = (batch: unknown) =>
    fetch(`${url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
      body: JSON.stringify(batch),
    });

  before(async () => {
    tenant = await createTenant('gateway');
    stranger = await createTenant('gateway-stranger');
    const started = await startTestIngest();
    url = started.url;
    close = () => started.app.close();
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await close();
    await tenant.cleanup();
    await stranger.cleanup();
  });

  test('a bad key is refused at the handshake with a reason', async () => {
    const s = open('msk_wrong');
    const err = await nextEvent<Error>(s, 'connect_error');
    assert.match(err.message, /Unknown API key/);
  });

  test('a subscribed dashboard receives the samples of the next batch', async () => {
    const batch = rebaseBatch(readGolden('valid', 'python-batch'), Date.now());
    await post(batch);
    const row = await tenant.pool.query('SELECT id::text FROM instances WHERE project_id = $1', [tenant.projectId]);
    const instanceId: string = row.rows[0].id;

    const s = open(tenant.apiKey);
    await nextEvent(s, 'connect');
    const ack: SubscribeAck = await s.emitWithAck(EVENTS.subscribe, { instanceId });
    assert.deepEqual(ack, { ok: true });

    const received = nextEvent<SamplesAppended>(s, EVENTS.samplesAppended);
    // The next minute of samples (within the allowed clock skew), as the agent's next batch.
    const next = rebaseBatch(readGolden('valid', 'python-batch'), Date.now() + 60_000);
    next.seq += 1;
    await post(next);
    const payload = await received;
    assert.equal(payload.instanceId, instanceId);
    assert.deepEqual(payload.metrics, ['process.memory.rss', 'cpython.pymalloc.used_bytes']);
    assert.ok(payload.rows.length > 0);
    const rssColumn = next.metrics.indexOf('process.memory.rss');
    const sent = next.samples.find((x) => x.ts === payload.rows[0]![0])!;
    assert.equal(payload.rows[0]![1], sent.values[rssColumn]);
  });

  test("subscribing to another project's instance, or with a bad payload, is refused", async () => {
    const row = await tenant.pool.query('SELECT id::text FROM instances WHERE project_id = $1', [tenant.projectId]);
    const s = open(stranger.apiKey);
    await nextEvent(s, 'connect');
    const ack: SubscribeAck = await s.emitWithAck(EVENTS.subscribe, { instanceId: row.rows[0].id });
    assert.equal(ack.ok, false);
    assert.equal(!ack.ok && ack.error.code, 'not_found');
    const bad: SubscribeAck = await s.emitWithAck(EVENTS.subscribe, { instanceId: 'DROP TABLE' } as never);
    assert.equal(!bad.ok && bad.error.code, 'invalid_request');
  });

  test('revoking a key closes the sockets it opened', async () => {
    const admin = { authorization: `Bearer ${tenant.apiKey}` };
    const created = await fetch(`${url}/api/keys`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'socket key', scope: 'read' }) });
    const { key, secret } = (await created.json()) as { key: { id: string }; secret: string };
    const s = open(secret);
    await new Promise((r) => s.once('connect', () => r(undefined)));
    const other = open(tenant.apiKey);
    await new Promise((r) => other.once('connect', () => r(undefined)));
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    assert.equal((await fetch(`${url}/api/keys/${key.id}`, { method: 'DELETE', headers: admin })).status, 200);
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still open after 5 s'), 5000).unref());
    assert.equal(await Promise.race([closed, timeout]), 'io server disconnect');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(other.connected, true, 'a socket of a key still valid stays');
  });
});
