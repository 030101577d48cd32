// /metrics: a bearer token when INGEST_METRICS_TOKEN is set, this host only when not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildIngest } from '../../build';
import { loadIngestConfig } from '../../config';
import { testDatabaseUrl } from '../../testing/harness';
import { isLoopback } from './metrics-access';

const TOKEN = 'scrape-token-0123456789abcdef';
const REMOTE = '203.0.113.7'; // TEST-NET-3: never a real peer, only a label for inject()

async function build(env: Record<string, string>): Promise<FastifyInstance> {
  const config = loadIngestConfig(env, { databaseUrl: testDatabaseUrl(), logLevel: 'silent', rollupIntervalSeconds: 0, socketAdapter: 'local' });
  return buildIngest({ config });
}

describe('/metrics with INGEST_METRICS_TOKEN', () => {
  let app: FastifyInstance;
  before(async () => (app = await build({ INGEST_METRICS_TOKEN: TOKEN })));
  after(() => app.close());

  test('answers the token, from any address', async () => {
    const res = await app.inject({ url: '/metrics', remoteAddress: REMOTE, headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /memsight_ingest_batches_total/);
  });

  test('refuses no token, a wrong one and a project API key with 401, even from this host', async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, 'Bearer msk_notthetoken', TOKEN]) {
      const res = await app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      assert.equal(res.statusCode, 401, String(authorization));
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.doesNotMatch(res.body, /memsight_ingest/);
    }
  });
});

describe('/metrics without a token', () => {
  let app: FastifyInstance;
  before(async () => (app = await build({})));
  after(() => app.close());

  test('answers this host and 404s every other address', async () => {
    assert.equal((await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/metrics', remoteAddress: '::ffff:127.0.0.1' })).statusCode, 200);
    const remote = await app.inject({ url: '/metrics', remoteAddress: REMOTE });
    assert.equal(remote.statusCode, 404);
    assert.doesNotMatch(remote.body, /memsight_ingest/);
  });

  test('the other routes are not affected', async () => {
    assert.equal((await app.inject({ url: '/livez', remoteAddress: REMOTE })).statusCode, 200);
  });
});

test('the token is checked as configuration: too short is refused at start', () => {
  assert.throws(() => loadIngestConfig({ DATABASE_URL: 'postgresql://x', INGEST_METRICS_TOKEN: 'short' }), /INGEST_METRICS_TOKEN/);
});

test('loopback addresses', () => {
  for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopback(a), a);
  for (const a of [undefined, '', '10.0.0.1', '::ffff:10.0.0.1', '1127.0.0.1', '::2']) assert.ok(!isLoopback(a), String(a));
});
