// Listings come a page at a time, and a query answer has a bounded number of
// points (issue 14: /api/apps returned 1,500 apps at once; one series answer
// held 5 M points, 99 MB).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppList, InstanceList, SeriesResponse } from '@memsight/contracts';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { postInstance } from '../../testing/seed';

const M = 60_000;
const H = 3_600_000;
const base = Date.parse('2026-06-02T12:00:00Z');
const METRICS = ['process.memory.rss', 'process.threads'];
// An hour at 5 s: 720 rows, 1440 points for both metrics, against a bound of 1000.
const samples = (): [number, ...number[]][] => Array.from({ length: 720 }, (_, k) => [base - H + k * 5000, 1e8 + k, 4]);

describe('bounded listings and answers', () => {
  let tenant: Tenant;
  let url: string;
  let close: () => Promise<void>;
  const clock = new ManualClock(base);
  let appId = '';
  const instanceIds: string[] = [];

  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
  const ok = async <T>(path: string): Promise<T> => {
    const res = await get(path);
    const body = await res.json();
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(body)}`);
    return body;
  };

  before(async () => {
    tenant = await createTenant('bounds');
    const started = await startTestIngest({ queryMaxPoints: 1000 }, clock);
    url = started.url;
    close = () => started.app.close();
    for (const name of ['e', 'b', 'd', 'a', 'c']) await postInstance(url, tenant, { id: `inst-app-${name}`, app: `app-${name}`, metrics: METRICS, samples: [[base - 1000, 1, 1]] });
    for (let k = 0; k < 3; k++) {
      clock.ms = base + k; // distinct last-seen times
      const scope = await postInstance(url, tenant, { id: `busy-inst-${k}`, app: 'busy', metrics: METRICS, samples: samples() });
      instanceIds.push(scope.instanceId);
      appId = scope.appId;
    }
    clock.ms = base;
  });
  after(async () => {
    await close?.();
    await tenant?.cleanup();
  });

  test('GET /api/apps pages by name and says where the next page starts', async () => {
    const names: string[] = [];
    let page = await ok<AppList>('/api/apps?limit=2');
    assert.equal(page.apps.length, 2);
    for (;;) {
      names.push(...page.apps.map((a) => a.name));
      if (!page.nextCursor) break;
      page = await ok<AppList>(`/api/apps?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`);
    }
    assert.deepEqual(names, ['app-a', 'app-b', 'app-c', 'app-d', 'app-e', 'busy']);
    const all = await ok<AppList>('/api/apps');
    assert.equal(all.apps.length, 6);
    assert.equal(all.nextCursor, null);
  });

  test('GET /api/apps/:appId/instances pages newest first', async () => {
    const first = await ok<InstanceList>(`/api/apps/${appId}/instances?limit=2`);
    assert.deepEqual(first.instances.map((i) => i.agentInstanceId), ['busy-inst-2', 'busy-inst-1']);
    const second = await ok<InstanceList>(`/api/apps/${appId}/instances?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    assert.deepEqual(second.instances.map((i) => i.agentInstanceId), ['busy-inst-0']);
    assert.equal(second.nextCursor, null);
  });

  test('a bad limit or cursor is a 400 that says what to send', async () => {
    for (const path of ['/api/apps?limit=0', '/api/apps?limit=1001', '/api/apps?cursor=bm9wZQ', `/api/apps/${appId}/instances?cursor=WyJ4Il0`]) {
      const res = await get(path);
      const body = await res.json();
      assert.equal(res.status, 400, path);
      assert.match(body.error.message, /limit|cursor/);
    }
  });

  test('a metric asked 50 times is read and answered once', async () => {
    const metric = Array.from({ length: 50 }, () => 'metric=process.memory.rss').join('&');
    const answer = await ok<SeriesResponse>(`/api/instances/${instanceIds[0]}/series?${metric}&from=${base - H}&to=${base}&step=0`);
    assert.equal(answer.series.length, 1);
    assert.equal(answer.series[0]!.points.length, 720);
  });

  test('an answer past the bound is a 400 naming it and a step within it, for series, CSV and top-series', async () => {
    const metric = METRICS.map((m) => `metric=${m}`).join('&');
    for (const path of [`/api/instances/${instanceIds[0]}/series?${metric}&from=${base - H}&to=${base}&step=0`, `/api/instances/${instanceIds[0]}/series.csv?${metric}&from=${base - H}&to=${base}&step=1000`]) {
      const res = await get(path);
      const body = await res.json();
      assert.equal(res.status, 400, path);
      assert.equal(body.error.code, 'invalid_request');
      assert.match(body.error.message, /more than 1000 points/);
      const step = body.error.details.suggestedStepMs;
      assert.equal(step, 8000);
      // The step it suggests fits.
      await ok(`/api/instances/${instanceIds[0]}/series?${metric}&from=${base - H}&to=${base}&step=${step}`);
    }
    const top = await get(`/api/apps/${appId}/top-series?from=${base - H}&to=${base}&step=0`);
    assert.equal(top.status, 400);
    assert.match((await top.json()).error.message, /3 instances/);
    await ok(`/api/apps/${appId}/top-series?from=${base - H}&to=${base}&step=${M}`);
  });
});
