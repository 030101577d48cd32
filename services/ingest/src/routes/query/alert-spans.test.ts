// Alert bands for an instance's charts: alerts whose [start, resolution or now] overlaps the range.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertSpanList } from '@memsight/contracts';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { insertAlert, postInstance } from '../../testing/seed';

const M = 60_000;
const H = 3_600_000;
const base = Date.parse('2026-06-01T12:00:00Z');

describe('alert spans API', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  const clock = new ManualClock(base);
  let instanceId: string;
  let openId: string;

  const get = (path: string, key = owner.apiKey) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const summaries = async (query: string) => {
    const res = await get(`/api/instances/${instanceId}/alert-spans${query}`);
    assert.equal(res.status, 200);
    return ((await res.json()) as AlertSpanList).spans.map((s) => s.summary);
  };

  before(async () => {
    owner = await createTenant('spans-owner');
    stranger = await createTenant('spans-stranger');
    const started = await startTestIngest({}, clock);
    url = started.url;
    close = () => started.app.close();
    const seed = { app: 'spans', metrics: ['process.memory.rss'], samples: [[base - 10_000, 1e6]] as [number, number][] };
    const mine = await postInstance(url, owner, { id: 'spans-mine', ...seed });
    const other = await postInstance(url, owner, { id: 'spans-other', ...seed });
    instanceId = mine.instanceId;
    openId = await insertAlert(owner, mine, { kind: 'leak', state: 'firing', startedAt: base - 3 * H, summary: 'open since before' });
    await insertAlert(owner, mine, { kind: 'gc', state: 'resolved', startedAt: base - 170 * M, resolvedAt: base - 61 * M, summary: 'resolved before' });
    await insertAlert(owner, mine, { kind: 'fragmentation', state: 'resolved', startedAt: base - 2 * H, resolvedAt: base - 30 * M, summary: 'resolved inside' });
    await insertAlert(owner, mine, { kind: 'threshold', state: 'resolved', startedAt: base - 40 * M, resolvedAt: base - 35 * M, summary: 'inside' });
    await insertAlert(owner, mine, { kind: 'gc', state: 'pending', startedAt: base - 5 * M, summary: 'after' });
    await insertAlert(owner, other, { kind: 'leak', state: 'firing', startedAt: base - 40 * M, summary: 'other instance' });
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  test('alerts overlapping the range, oldest first: open ones from before it are in, ones resolved before it are out', async () => {
    assert.deepEqual(await summaries(`?from=${base - H}&to=${base - 10 * M}`), ['open since before', 'resolved inside', 'inside']);
    assert.deepEqual(await summaries(''), ['open since before', 'resolved inside', 'inside', 'after'], 'default: the last hour up to now');
    assert.deepEqual(await summaries(`?from=${base - 4 * H}&to=${base - 150 * M}`), ['open since before', 'resolved before']);
  });

  test('a span carries what a chart band shows', async () => {
    const res = (await (await get(`/api/instances/${instanceId}/alert-spans`)).json()) as AlertSpanList;
    assert.deepEqual(res.spans[0], {
      alertId: openId, kind: 'leak', severity: 'warning', state: 'firing',
      startedAt: new Date(base - 3 * H).toISOString(), firedAt: new Date(base - 3 * H).toISOString(), resolvedAt: null, summary: 'open since before',
    });
    assert.equal(res.spans[1]!.resolvedAt, new Date(base - 30 * M).toISOString());
  });

  test("another tenant's instance is not found; a bad range is named", async () => {
    const res = await get(`/api/instances/${instanceId}/alert-spans`, stranger.apiKey);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'not_found');
    const bad = await get(`/api/instances/${instanceId}/alert-spans?to=soon`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /"to"/);
  });
});
