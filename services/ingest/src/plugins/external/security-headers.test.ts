// Helmet's headers on ingest's answers: success, refusal, not-found and /docs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestIngest } from '../../testing/harness';

let app: FastifyInstance;
before(async () => ({ app } = await startTestIngest({ rollupIntervalSeconds: 0, socketAdapter: 'local' })));
after(() => app.close());

const EXPECTED: Record<string, RegExp> = {
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'strict-transport-security': /max-age=\d+/,
  'referrer-policy': /^no-referrer$/,
  'cross-origin-opener-policy': /^same-origin$/,
  'cross-origin-resource-policy': /^same-origin$/,
  'x-dns-prefetch-control': /^off$/,
  'x-permitted-cross-domain-policies': /^none$/,
  'content-security-policy': /default-src 'self'.*frame-ancestors 'none'/,
};

test('every kind of answer carries the security headers', async () => {
  for (const url of ['/livez', '/api/apps', '/api/nowhere', '/docs/json', '/docs/static/index.html']) {
    const res = await app.inject({ url });
    for (const [name, value] of Object.entries(EXPECTED)) assert.match(String(res.headers[name]), value, `${url}: ${name}`);
    assert.equal(res.headers['x-powered-by'], undefined);
  }
});

test("/docs' policy lets Swagger UI run over plain HTTP: no upgrade to https, its own scripts only", async () => {
  const csp = String((await app.inject({ url: '/docs/static/index.html' })).headers['content-security-policy']);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self' https: 'unsafe-inline'/);
});
