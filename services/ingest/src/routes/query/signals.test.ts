// One-answer reads for the dashboard's pages: every signal of an instance, and
// an app's largest instances on one metric.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { postInstance } from '../../testing/seed';

const MB = 2 ** 20;

describe('signals and top series', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
  const t0 = clock.ms - 5 * 60_000;
  const ids: { instanceId: string; appId: string }[] = [];

  before(async () => {
    owner = await createTenant('signals-owner');
    stranger = await createTenant('signals-stranger');
    const started = await startTestIngest({ liveWindowSeconds: 3600 }, clock);
    url = started.url;
    close = () => started.app.close();
    // Three instances of one app, RSS 100, 300 and 200 MB; the second tick of the first carries a metric more.
    for (const [k, rss] of [100, 300, 200].entries()) {
      ids.push(
        await postInstance(url, owner, {
          id: `signals-${k}`, app: 'signals-app', metrics: ['process.memory.rss', 'process.threads'],
          samples: [[t0, rss * MB, 4], [t0 + 10_000, rss * MB + MB, 5]],
        }),
      );
    }
    await postInstance(url, owner, { id: 'signals-0', app: 'signals-app', seq: 2, metrics: ['process.memory.rss', 'process.threads', 'process.open_fds{kind=socket}'], samples: [[t0 + 20_000, 102 * MB, 5, 7]] });
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  const get = (path: string, key = owner.apiKey) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  test('an instance gives every metric it reported, each with its points, where each metric was in the tick', async () => {
    const res = await get(`/api/instances/${ids[0]!.instanceId}/signals?from=${t0 - 1}&to=${clock.ms}&step=0`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.series.map((s: { metric: string }) => s.metric), ['process.memory.rss', 'process.open_fds{kind=socket}', 'process.threads']);
    const byName = Object.fromEntries(body.series.map((s: { metric: string; points: unknown }) => [s.metric, s.points]));
    assert.deepEqual(byName['process.memory.rss'], [[t0, 100 * MB], [t0 + 10_000, 101 * MB], [t0 + 20_000, 102 * MB]]);
    assert.deepEqual(byName['process.open_fds{kind=socket}'], [[t0 + 20_000, 7]], 'no points for the ticks that did not carry it');
    assert.equal(body.series[0].unit, 'By');
    assert.equal(body.stepMs, null);
  });

  test("an app's largest instances by their newest value, largest first, with their series", async () => {
    const res = await get(`/api/apps/${ids[0]!.appId}/top-series?limit=2&from=${t0 - 1}&to=${clock.ms}&step=0`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.instances.map((i: { host: string }) => i.host), ['signals-1', 'signals-2']);
    assert.deepEqual(body.instances[0].points, [[t0, 300 * MB], [t0 + 10_000, 301 * MB]]);
    const threads = await (await get(`/api/apps/${ids[0]!.appId}/top-series?metric=process.threads&limit=1&from=${t0 - 1}&to=${clock.ms}&step=0`)).json();
    assert.equal(threads.metric, 'process.threads');
    assert.equal(threads.instances.length, 1);
  });

  test("another project's instance and app are not found, and bad parameters name themselves", async () => {
    assert.equal((await get(`/api/instances/${ids[0]!.instanceId}/signals`, stranger.apiKey)).status, 404);
    assert.equal((await get(`/api/apps/${ids[0]!.appId}/top-series`, stranger.apiKey)).status, 404);
    const bad = await get(`/api/apps/${ids[0]!.appId}/top-series?limit=500`);
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /limit/);
  });
});
