import { test } from 'node:test';
import assert from 'node:assert/strict';
import config from '../next.config';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './security-headers';

test('next.config sends the security headers on every path', async () => {
  const rules = await config.headers!();
  assert.deepEqual(rules, [{ source: '/:path*', headers: SECURITY_HEADERS }]);
  const names = SECURITY_HEADERS.map((h) => h.key.toLowerCase());
  for (const name of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'strict-transport-security', 'cross-origin-opener-policy']) {
    assert.ok(names.includes(name), name);
  }
});

test('the policy keeps everything on this origin and forbids framing and plugins', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('connect-src'), ["'self'"], 'the API and socket.io are proxied to this origin');
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.ok(!CONTENT_SECURITY_POLICY.includes('unsafe-eval'));
  assert.ok(!CONTENT_SECURITY_POLICY.includes('upgrade-insecure-requests'), 'the dashboard is often served over plain HTTP');
});
