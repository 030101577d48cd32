// Where memory is allocated, over a range: the newest snapshots with growth since the oldest.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';

describe('instance snapshots API', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  let instanceId: string;
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));

  const post = async (batch: unknown) => {
    const res = await fetch(`${url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.apiKey}` },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 200, await res.text());
  };
  const get = (path: string, key = owner.apiKey) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  before(async () => {
    owner = await createTenant('snapshots-owner');
    stranger = await createTenant('snapshots-stranger');
    const started = await startTestIngest({}, clock);
    url = started.url;
    close = () => started.app.close();
    // Two batches ten minutes apart; the later one's cache site grew and a new site and type appeared.
    const first = rebaseBatch(readGolden('valid', 'python-batch'), clock.ms - 600_000);
    await post(first);
    const second = rebaseBatch(readGolden('valid', 'python-batch'), clock.ms);
    second.seq = first.seq + 1;
    const [sites, types] = second.snapshots! as unknown as [{ sites: { site: string; sizeBytes: number; count: number; growthBytes?: number }[] }, { types: { type: string; count: number }[] }];
    sites.sites[0]!.sizeBytes += 4 * 1048576;
    sites.sites.push({ site: 'app/new.py:7', sizeBytes: 1000, count: 3 });
    types.types[0]!.count += 100;
    types.types.push({ type: 'Session', count: 40 });
    await post(second);
    const row = await owner.pool.query('SELECT id::text FROM instances WHERE project_id = $1', [owner.projectId]);
    instanceId = row.rows[0].id;
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  test('growth is measured from the oldest snapshot in the range, biggest first', async () => {
    const res = await get(`/api/instances/${instanceId}/snapshots?from=${clock.ms - 3_600_000}`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.allocationSites.source, 'tracemalloc');
    assert.ok(body.allocationSites.since < body.allocationSites.at);
    assert.deepEqual(body.allocationSites.sites.map((s: { site: string; growthBytes: number }) => [s.site, s.growthBytes]), [['app/cache.py:42', 4 * 1048576], ['app/new.py:7', 1000]]);
    assert.deepEqual(body.allocationSites.sites[0].traceback, ['app/cache.py:42', 'app/views.py:88']);
    assert.deepEqual(body.typeCounts.types.map((t: { type: string; growth: number }) => [t.type, t.growth]), [['dict', 100], ['Session', 40], ['tuple', 0]]);
  });

  test("with one snapshot in the range, the agent's own growth stands", async () => {
    const body = await (await get(`/api/instances/${instanceId}/snapshots?from=${clock.ms - 300_000}`)).json();
    assert.equal(body.allocationSites.since, null);
    assert.equal(body.allocationSites.sites[0].growthBytes, 524288);
    assert.equal(body.typeCounts.types.find((t: { type: string }) => t.type === 'dict').growth, 512);
  });

  test('a range with no snapshots gives nulls; bad input a 400 naming the parameter; another project a 404', async () => {
    const empty = await (await get(`/api/instances/${instanceId}/snapshots?from=${clock.ms - 7_200_000}&to=${clock.ms - 3_600_000}`)).json();
    assert.deepEqual([empty.allocationSites, empty.typeCounts], [null, null]);
    const bad = await get(`/api/instances/${instanceId}/snapshots?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /"from"/);
    assert.equal((await get(`/api/instances/${instanceId}/snapshots`, stranger.apiKey)).status, 404);
  });
});
