// Deploy markers for charts: by app and by instance, in range, oldest first, per tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DeployList } from '@memsight/contracts';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { postInstance } from '../../testing/seed';

const M = 60_000;
const H = 3_600_000;
const base = Date.parse('2026-06-01T12:00:00Z');

describe('deploys API', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  const clock = new ManualClock(base);
  let billing: { instanceId: string; appId: string };

  const get = (path: string, key = owner.apiKey) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const versions = async (path: string) => {
    const res = await get(path);
    assert.equal(res.status, 200);
    return ((await res.json()) as DeployList).deploys.map((d) => [d.version, d.previousVersion, d.at]);
  };

  before(async () => {
    owner = await createTenant('deploys-owner');
    stranger = await createTenant('deploys-stranger');
    const started = await startTestIngest({}, clock);
    url = started.url;
    close = () => started.app.close();
    // Each new process reports its version; a version's first start is its deploy.
    const deploy = (id: string, app: string, appVersion: string, startedAt: number) =>
      postInstance(url, owner, { id, app, appVersion, startedAt, metrics: ['process.memory.rss'], samples: [[base - 10_000, 1e6]] });
    billing = await deploy('billing-v1', 'billing', '1.0.0', base - 5 * H);
    await deploy('billing-v2', 'billing', '1.1.0', base - 3 * H);
    await deploy('billing-v3', 'billing', '1.2.0', base - 30 * M);
    await deploy('billing-v3-again', 'billing', '1.2.0', base - 20 * M);
    await deploy('ledger-v9', 'ledger', '9.0.0', base - 40 * M);
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  test('an app lists its deploys in the range, oldest first, each with the version before it', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    assert.deepEqual(await versions(`/api/apps/${billing.appId}/deploys`), [['1.2.0', '1.1.0', iso(base - 30 * M)]], 'default: the last hour');
    assert.deepEqual(await versions(`/api/apps/${billing.appId}/deploys?from=${base - 6 * H}&to=${base - 3 * H}`), [
      ['1.0.0', null, iso(base - 5 * H)],
      ['1.1.0', '1.0.0', iso(base - 3 * H)],
    ]);
    assert.deepEqual(
      (await versions(`/api/apps/${billing.appId}/deploys?from=${iso(base - 4 * H)}`)).map((d) => d[0]),
      ['1.1.0', '1.2.0'],
      'ISO times work too, and another app (ledger 9.0.0) is not mixed in',
    );
  });

  test("an instance lists its app's deploys", async () => {
    assert.deepEqual((await versions(`/api/instances/${billing.instanceId}/deploys?from=${base - 6 * H}`)).map((d) => d[0]), ['1.0.0', '1.1.0', '1.2.0']);
  });

  test("another tenant's app or instance is not found; bad parameters are named", async () => {
    for (const path of [`/api/apps/${billing.appId}/deploys`, `/api/instances/${billing.instanceId}/deploys`]) {
      const res = await get(path, stranger.apiKey);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error.code, 'not_found');
    }
    assert.equal((await get(`/api/apps/${randomUUID()}/deploys`)).status, 404);
    const bad = await get(`/api/apps/${billing.appId}/deploys?from=yesterday`);
    assert.equal(bad.status, 400);
    const { error } = await bad.json();
    assert.equal(error.code, 'invalid_request');
    assert.match(error.message, /"from"/);
    const notUuid = await get('/api/apps/billing/deploys');
    assert.equal(notUuid.status, 400);
    assert.match((await notUuid.json()).error.message, /appId/);
  });
});
