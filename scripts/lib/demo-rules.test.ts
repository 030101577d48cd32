// The demo's rule set-up against a scripted API: what it adds, what it leaves
// alone, how it reports a refusal, and a stack without the rules API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoRules, ensureDemoRules, FAST_DETECTION, MANY_OPEN_FDS } from './demo-rules';
import { EXAMPLES } from './examples';
import { MemsightApi } from './memsight-api';

const APP_ID = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const now = new Date().toISOString();
const rule = (kind: string, name: string) => ({
  id: `${kind}-1`, name, kind, appId: APP_ID, instanceId: null, enabled: true, severity: 'warning',
  forSeconds: 60, keepFiringForSeconds: 300, params: {}, builtin: false, createdAt: now, updatedAt: now,
});

describe('demo rules', () => {
  let server: Server;
  let api: MemsightApi;
  let script: { rulesStatus: number; existing: ReturnType<typeof rule>[]; refuse?: string };
  const posted: { kind: string; name: string; appId: string; params: Record<string, unknown> }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (req.headers.authorization !== 'Bearer msk_test') return send(401, { error: { code: 'unauthorized', message: 'no' } });
        if (script.rulesStatus === 404) return send(404, { message: 'Route not found', error: 'Not Found', statusCode: 404 });
        if (req.method === 'GET') return send(200, { rules: script.existing });
        const wanted = JSON.parse(body);
        if (wanted.kind === script.refuse) {
          return send(400, { error: { code: 'invalid_body', message: 'The rule is not valid.', details: [{ path: '/params/windowSeconds', message: 'must be ≤ 21600' }] } });
        }
        posted.push(wanted);
        send(201, rule(wanted.kind, wanted.name));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = new MemsightApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'msk_test');
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fdLeak = EXAMPLES.find((e) => e.name === 'py-fd-leak')!;
  const healthy = EXAMPLES.find((e) => e.name === 'py-healthy')!;

  test('every app gets the four faster detectors; the fd leaks also get the fd threshold', () => {
    assert.deepEqual(demoRules(healthy, APP_ID).map((r) => r.kind), ['leak', 'resource-leak', 'gc', 'fragmentation']);
    const fd = demoRules(fdLeak, APP_ID);
    assert.deepEqual(fd.at(-1), { kind: 'threshold', appId: APP_ID, name: MANY_OPEN_FDS, params: { metric: 'process.open_fds{kind=total}', op: '>', value: 200 } });
    assert.ok(fd.slice(0, 4).every((r) => r.name === FAST_DETECTION && r.forSeconds === 60 && r.appId === APP_ID));
  });

  test('adds what is missing and leaves a rule of the same name and kind alone', async () => {
    posted.length = 0;
    script = { rulesStatus: 200, existing: [rule('leak', FAST_DETECTION), rule('gc', 'Garbage collection')] };
    const lines: string[] = [];
    assert.equal(await ensureDemoRules(api, 'demo-py-fd-leak', demoRules(fdLeak, APP_ID), (l) => lines.push(l)), 'done');
    assert.deepEqual(posted.map((r) => r.kind), ['resource-leak', 'gc', 'fragmentation', 'threshold']);
    assert.deepEqual(lines, ['demo-py-fd-leak: rules added (resource-leak, gc, fragmentation, threshold)', 'demo-py-fd-leak: rules already there (leak)']);
  });

  test('a refused rule is reported with the API\'s message and details, and the others still go in', async () => {
    posted.length = 0;
    script = { rulesStatus: 200, existing: [], refuse: 'gc' };
    const lines: string[] = [];
    assert.equal(await ensureDemoRules(api, 'demo-py-healthy', demoRules(healthy, APP_ID), (l) => lines.push(l)), 'failed');
    assert.deepEqual(posted.map((r) => r.kind), ['leak', 'resource-leak', 'fragmentation']);
    assert.ok(lines.includes('demo-py-healthy: the gc rule "demo: faster detection" was refused: The rule is not valid. (/params/windowSeconds: must be ≤ 21600)'), lines.join('\n'));
  });

  test('a stack without the rules API says so', async () => {
    script = { rulesStatus: 404, existing: [] };
    assert.equal(await ensureDemoRules(api, 'demo-py-healthy', demoRules(healthy, APP_ID), () => {}), 'no-rules-api');
  });
});
