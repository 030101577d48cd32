// Key scopes: an agent key only ingests, a read key only reads, an admin key
// does everything; keys are revealed once, listed by prefix, and revoked at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { io } from 'socket.io-client';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';

/** Every GET route under /api, rebuilt from Fastify's route tree, params filled with a placeholder. */
function readRoutes(app: FastifyInstance): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false, method: 'GET' }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = Math.round((at - 1) / 4);
    const segment = line.slice(at + 3).replace(/ \(.*\)$/, '');
    stack[depth] = (depth > 0 ? stack[depth - 1]! : '') + segment;
    if (stack[depth]!.startsWith('/api/')) out.push(stack[depth]!.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000'));
  }
  return out;
}

describe('API key scopes', () => {
  let tenant: Tenant;
  let stranger: Tenant;
  let app: FastifyInstance;
  let url: string;
  const call = (method: string, path: string, key: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const create = async (scope: string, name = `${scope} key`) => {
    const res = await call('POST', '/api/keys', tenant.apiKey, { name, scope });
    assert.equal(res.status, 201);
    return (await res.json()) as { key: { id: string; prefix: string; scope: string }; secret: string };
  };
  let seq = 0;
  const ingest = (key: string) => {
    const batch = rebaseBatch(readGolden('valid', 'node-batch'), Date.now());
    batch.seq = ++seq;
    return call('POST', '/v1/ingest', key, batch);
  };

  before(async () => {
    tenant = await createTenant('keys');
    stranger = await createTenant('keys-stranger');
    const started = await startTestIngest();
    app = started.app;
    url = started.url;
  });
  after(async () => {
    await app.close();
    await tenant.cleanup();
    await stranger.cleanup();
  });

  test('a key is revealed once, then listed by prefix and scope', async () => {
    const made = await create('read', 'grafana');
    assert.match(made.secret, /^msk_/);
    assert.equal(made.key.prefix, made.secret.slice(0, 12));
    const listed = await (await call('GET', '/api/keys', tenant.apiKey)).json();
    const row = listed.keys.find((k: { id: string }) => k.id === made.key.id);
    assert.deepEqual([row.name, row.scope, row.prefix, row.revokedAt], ['grafana', 'read', made.key.prefix, null]);
    assert.ok(!JSON.stringify(listed).includes(made.secret), 'the secret is never listed');
  });

  test('an agent key ingests, and is refused with 403 on every read route and every change', async () => {
    const agent = await create('ingest');
    assert.equal((await ingest(agent.secret)).status, 200);
    const routes = readRoutes(app);
    assert.ok(routes.length >= 15, `read routes found: ${routes.join(', ')}`);
    for (const path of routes) {
      const res = await call('GET', path, agent.secret);
      assert.equal(res.status, 403, `GET ${path} with an agent key`);
      const body = await res.json();
      assert.equal(body.error.code, 'forbidden');
      assert.match(body.error.message, /agent key/);
    }
    assert.equal((await call('POST', '/api/rules', agent.secret, { kind: 'leak' })).status, 403);
    assert.equal((await call('POST', '/api/keys', agent.secret, { name: 'escalate', scope: 'admin' })).status, 403);
    // The live feed too: the socket.io handshake refuses it, saying why.
    const socket = io(url, { auth: { apiKey: agent.secret }, transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    socket.close();
    assert.match(err.message, /agent key/);
  });

  test('a read key reads but neither ingests nor changes anything', async () => {
    const reader = await create('read');
    assert.equal((await call('GET', '/api/apps', reader.secret)).status, 200);
    assert.equal((await ingest(reader.secret)).status, 403);
    assert.equal((await call('POST', '/api/silences', reader.secret, { matchers: { kind: 'leak' }, endsAt: new Date(Date.now() + 60_000).toISOString() })).status, 403);
    assert.equal((await call('GET', '/api/keys', reader.secret)).status, 403, 'listing keys needs admin');
  });

  test("revoking a key refuses its next request at once; another project cannot revoke it", async () => {
    const agent = await create('ingest');
    assert.equal((await call('DELETE', `/api/keys/${agent.key.id}`, stranger.apiKey)).status, 404);
    assert.equal((await ingest(agent.secret)).status, 200);
    const revoked = await call('DELETE', `/api/keys/${agent.key.id}`, tenant.apiKey);
    assert.equal(revoked.status, 200);
    assert.ok((await revoked.json()).revokedAt);
    const refused = await ingest(agent.secret);
    assert.equal(refused.status, 401);
    assert.match((await refused.json()).error.message, /revoked/);
  });

  test('a bad scope is a 400 naming the field', async () => {
    const res = await call('POST', '/api/keys', tenant.apiKey, { name: 'x', scope: 'root' });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /scope/);
  });
});
