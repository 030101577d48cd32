// The query API: time buckets, defaults, errors, and tenant isolation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { rollUpPass } from '@memsight/db';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';

describe('query API', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  let rollUp: () => Promise<unknown>;
  let instanceId: string;
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
  const batch = rebaseBatch(readGolden('valid', 'python-batch'), clock.ms);

  before(async () => {
    owner = await createTenant('query-owner');
    stranger = await createTenant('query-stranger');
    const started = await startTestIngest({}, clock);
    url = started.url;
    close = () => started.app.close();
    // What ingest's history plugin runs on its timer, run now.
    rollUp = () => rollUpPass(owner.pool, { nowMs: clock.ms, lagMs: 5_000, hourEveryMs: 300_000, backfillFromMs: clock.ms - 7 * 86_400_000 });
    const res = await fetch(`${url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.apiKey}` },
      body: JSON.stringify(batch),
    });
    assert.equal((await res.json()).accepted, 6);
    const row = await owner.pool.query('SELECT id::text FROM instances WHERE project_id = $1', [owner.projectId]);
    instanceId = row.rows[0].id;
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  const get = (path: string, key = owner.apiKey) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  test('buckets average the samples inside them', async () => {
    const from = batch.samples[0]!.ts;
    const res = await (await get(`/api/instances/${instanceId}/series?metric=process.memory.rss&from=${from}&to=${from + 60_000}&step=20000`)).json();
    assert.equal(res.stepMs, 20000);
    const points = res.series[0].points;
    // Samples are 10 s apart, so each 20 s bucket averages two or one of them.
    const bucketed = new Map<number, number[]>();
    for (const s of batch.samples) {
      const b = Math.floor(s.ts / 20000) * 20000;
      bucketed.set(b, [...(bucketed.get(b) ?? []), s.values[0] as number]);
    }
    const expected = [...bucketed].map(([b, vs]) => [b, vs.reduce((a, c) => a + c, 0) / vs.length]);
    assert.deepEqual(points, expected);
    assert.ok(points.length < batch.samples.length, 'some buckets hold two samples');
  });

  test("an app's instances with their newest figures: RSS, fds by kind summed, threads, the worst fragmentation", async () => {
    const { apps } = await (await get('/api/apps')).json();
    const res = await get(`/api/apps/${apps[0].id}/instances/figures`);
    assert.equal(res.status, 200);
    const [row] = (await res.json()).instances;
    const last = batch.samples.at(-1)!;
    const value = (m: string) => last.values[batch.metrics.indexOf(m)] as number;
    assert.equal(row.instanceId, instanceId);
    assert.equal(row.at, new Date(last.ts).toISOString());
    assert.equal(row.rssBytes, value('process.memory.rss'));
    assert.equal(row.openFds, value('process.open_fds{kind=file}') + value('process.open_fds{kind=socket}'));
    assert.equal(row.threads, value('process.threads'));
    assert.equal(row.fragmentation, Math.max(value('glibc.malloc.fragmentation'), 1 - value('cpython.pymalloc.utilization')));
    assert.deepEqual([row.growthBytesPerHour, row.openAlerts, row.gcPauseFraction], [null, 0, null]);
    const strangers = await get(`/api/apps/${apps[0].id}/instances/figures`, stranger.apiKey);
    assert.equal(strangers.status, 404, "another project's key finds no such app");
  });

  test('the default range is the last hour of the injected clock', async () => {
    const res = await (await get(`/api/instances/${instanceId}/series?metric=process.memory.rss`)).json();
    assert.equal(res.to, new Date(clock.ms).toISOString());
    assert.equal(res.from, new Date(clock.ms - 3_600_000).toISOString());
    assert.equal(res.stepMs, 4000);
    assert.equal(res.series[0].unit, 'By');
  });

  test('an unknown metric gives an empty series, not an error', async () => {
    const res = await (await get(`/api/instances/${instanceId}/series?metric=no.such.metric`)).json();
    assert.deepEqual(res.series, [{ metric: 'no.such.metric', unit: null, points: [] }]);
  });

  test('bad parameters get 400 with the parameter named', async () => {
    const bad = await get(`/api/instances/${instanceId}/series?metric=process.memory.rss&from=yesterday`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /"from"/);
    const reversed = await get(`/api/instances/${instanceId}/series?metric=process.memory.rss&from=2000&to=1000`);
    assert.equal(reversed.status, 400);
    const missing = await get(`/api/instances/${instanceId}/series`);
    assert.equal(missing.status, 400);
    assert.equal((await missing.json()).error.code, 'invalid_request');
  });

  test("another project's key sees neither the app nor the instance", async () => {
    const apps = await (await get('/api/apps', stranger.apiKey)).json();
    assert.deepEqual(apps.apps, []);
    const res = await get(`/api/instances/${instanceId}`, stranger.apiKey);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'not_found');
    const series = await get(`/api/instances/${instanceId}/series?metric=process.memory.rss`, stranger.apiKey);
    assert.equal(series.status, 404);
  });

  test('the query API needs a key', async () => {
    const res = await fetch(`${url}/api/apps`);
    assert.equal(res.status, 401);
  });

  test('an instance is live only within the liveness window of the clock', async () => {
    assert.equal((await (await get(`/api/instances/${instanceId}`)).json()).live, true);
    clock.ms += 10 * 60_000;
    assert.equal((await (await get(`/api/instances/${instanceId}`)).json()).live, false);
    clock.ms -= 10 * 60_000;
  });

  test('once rolled up, a minute step reads minute rollups and says so; the CSV export has the same points', async () => {
    // The roller reads batches a few seconds after they were received (they may still be committing).
    const deadline = Date.now() + 30_000;
    for (;;) {
      await rollUp().catch(() => {}); // a pass that lost a race with another suite's (the database is shared) runs again
      const { rows } = await owner.pool.query('SELECT count(*)::int AS n FROM rollups_1m WHERE instance_id = $1', [instanceId]);
      if (rows[0].n > 0) break;
      assert.ok(Date.now() < deadline, 'the batch was rolled up within 30 s');
      await new Promise((r) => setTimeout(r, 1000));
    }
    const from = Math.floor(batch.samples[0]!.ts / 60_000) * 60_000;
    const range = `metric=process.memory.rss&from=${from}&to=${from + 120_000}&step=60000`;
    const res = await (await get(`/api/instances/${instanceId}/series?${range}`)).json();
    assert.equal(res.resolution, '1m');
    assert.equal(res.aggregate, 'avg');
    const byMinute = new Map<number, number[]>();
    for (const s of batch.samples) byMinute.set(Math.floor(s.ts / 60_000) * 60_000, [...(byMinute.get(Math.floor(s.ts / 60_000) * 60_000) ?? []), s.values[0] as number]);
    assert.deepEqual(res.series[0].points, [...byMinute].map(([t, vs]) => [t, vs.reduce((a, c) => a + c, 0) / vs.length]));
    const floor = await (await get(`/api/instances/${instanceId}/series?${range}&agg=min`)).json();
    assert.deepEqual(floor.series[0].points, [...byMinute].map(([t, vs]) => [t, Math.min(...vs)]));
    const csv = await get(`/api/instances/${instanceId}/series.csv?${range}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="instance-/);
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines[0], 'time,process.memory.rss');
    assert.deepEqual(lines.slice(1), res.series[0].points.map(([t, v]: [number, number]) => `${new Date(t).toISOString()},${v}`));
    const bad = await get(`/api/instances/${instanceId}/series?${range}&agg=median`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /agg/);
  });
});
