// Release comparison: two versions of an app through the real ingest API
// (the deploy marker is ingest's own), rolled up by the real roller, then
// compared; and the window summary on synthetic Node hours.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rollUpPass } from '@memsight/db';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { postInstance } from '../../testing/seed';
import { summarizeWindow } from './compare-releases';

const MB = 2 ** 20;
const HOUR = 3_600_000;
const DEPLOY = Date.parse('2026-06-10T12:00:00Z');
const METRICS = ['process.memory.rss', 'cpython.pymalloc.used_bytes', 'cpython.pymalloc.utilization', 'cpython.gc.pause.total{generation=2}'];

/** Every 5 minutes over [fromMs, toMs): RSS with a 4 MB sawtooth over a floor rising at `growthMbPerHour`. */
function samples(fromMs: number, toMs: number, o: { growthMbPerHour: number; pymallocMb: number; utilization: number; pausePerHour: number }) {
  const out: [number, ...number[]][] = [];
  for (let t = fromMs; t < toMs; t += 300_000) {
    const h = (t - fromMs) / HOUR;
    out.push([t, (100 + o.growthMbPerHour * h + ((t / 300_000) % 4)) * MB, o.pymallocMb * MB, o.utilization, o.pausePerHour * h]);
  }
  return out;
}

describe('release comparison', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  let appId: string;
  let instanceIds: string[];
  const clock = new ManualClock(DEPLOY + 12 * HOUR);
  const get = (path: string, key = owner.apiKey) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  before(async () => {
    owner = await createTenant('releases-owner');
    stranger = await createTenant('releases-stranger');
    const started = await startTestIngest({}, clock);
    url = started.url;
    close = () => started.app.close();
    const old = await postInstance(url, owner, {
      id: 'release-old', app: 'rel-app', appVersion: '1.0', startedAt: DEPLOY - 12 * HOUR, metrics: METRICS,
      samples: samples(DEPLOY - 12 * HOUR, DEPLOY, { growthMbPerHour: 0, pymallocMb: 50, utilization: 0.9, pausePerHour: 0.36 }),
    });
    const fresh = await postInstance(url, owner, {
      id: 'release-new', app: 'rel-app', appVersion: '2.0', startedAt: DEPLOY, metrics: METRICS,
      samples: samples(DEPLOY, DEPLOY + 12 * HOUR, { growthMbPerHour: 10, pymallocMb: 60, utilization: 0.6, pausePerHour: 3.6 }),
    });
    appId = old.appId;
    instanceIds = [old.instanceId, fresh.instanceId];
    // What ingest's history plugin does on its timer; the batches are read a few seconds after they were received.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await rollUpPass(owner.pool, { nowMs: clock.ms, lagMs: 5_000, hourEveryMs: 0, backfillFromMs: clock.ms - 7 * 86_400_000 }).catch(() => {});
      const { rows } = await owner.pool.query('SELECT count(*)::int AS n FROM rollups_1h WHERE instance_id = ANY($1::bigint[])', [instanceIds]);
      if (rows[0].n >= 24) break;
      assert.ok(Date.now() < deadline, `24 hours rolled up within 30 s (${rows[0].n})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  test('the newest deploy: the leak, the bigger heap, the fragmentation and the GC time all start with 2.0', async () => {
    const res = await get(`/api/apps/${appId}/releases/compare?days=1`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual([body.deploy.version, body.deploy.previousVersion, body.deploy.at], ['2.0', '1.0', new Date(DEPLOY).toISOString()]);
    const { before: b, after: a } = body;
    assert.deepEqual([b.instances, b.hours, a.instances, a.hours], [1, 12, 1, 12]);
    assert.ok(Math.abs(b.growthBytesPerHour) < 0.5 * MB, `before: ${b.growthBytesPerHour / MB} MB/h`);
    assert.ok(Math.abs(a.growthBytesPerHour - 10 * MB) < MB, `after: ${a.growthBytesPerHour / MB} MB/h`);
    assert.deepEqual([b.floorBytes / MB, a.floorBytes / MB], [50, 60]);
    assert.ok(Math.abs(b.fragmentation - 0.1) < 1e-9 && Math.abs(a.fragmentation - 0.4) < 1e-9, `${b.fragmentation} → ${a.fragmentation}`);
    assert.ok(Math.abs(b.gcPauseFraction - 1e-4) < 1e-6 && Math.abs(a.gcPauseFraction - 1e-3) < 1e-5, `${b.gcPauseFraction} → ${a.gcPauseFraction}`);
  });

  test('a named deploy, and the mistakes: an unknown deploy, a bad window, another project', async () => {
    const { deploys } = await (await get(`/api/apps/${appId}/deploys?from=${DEPLOY - 13 * HOUR}&to=${clock.ms}`)).json();
    const first = deploys.find((d: { version: string }) => d.version === '1.0');
    const named = await (await get(`/api/apps/${appId}/releases/compare?days=1&deployId=${first.id}`)).json();
    assert.equal(named.deploy.version, '1.0');
    assert.equal(named.before.instances, 0, 'nothing ran before the first version');
    assert.equal(named.before.growthBytesPerHour, null);
    const unknown = await get(`/api/apps/${appId}/releases/compare?deployId=00000000-0000-4000-8000-000000000000`);
    assert.equal(unknown.status, 404);
    assert.match((await unknown.json()).error.message, /not one of this app's deploys/);
    const bad = await get(`/api/apps/${appId}/releases/compare?days=90`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /days/);
    assert.equal((await get(`/api/apps/${appId}/releases/compare`, stranger.apiKey)).status, 404);
  });

  test('a Node window: the heap floor after GC is preferred to RSS, and V8 reports its GC share itself', () => {
    const rows = [0, 1, 2, 3].flatMap((h) => [
      { instanceId: '1', t: h * 3600, name: 'process.memory.rss', min: 200 * MB + h * 5 * MB, avg: null, last: null },
      { instanceId: '1', t: h * 3600, name: 'v8js.memory.heap.used_after_gc', min: 30 * MB + h * MB, avg: null, last: null },
      { instanceId: '1', t: h * 3600, name: 'v8js.gc.time_fraction', min: null, avg: 0.01 * (h + 1), last: null },
      { instanceId: '1', t: h * 3600, name: 'v8js.memory.heap.fragmentation{space=old}', min: null, avg: 0.2, last: null },
    ]);
    const w = summarizeWindow(rows, 0, 4 * HOUR);
    assert.deepEqual([w.instances, w.hours, w.floorBytes, w.growthBytesPerHour, w.fragmentation], [1, 4, 30 * MB, 5 * MB, 0.2]);
    assert.ok(Math.abs(w.gcPauseFraction! - 0.025) < 1e-12);
    assert.deepEqual(summarizeWindow(rows, 5 * HOUR, 6 * HOUR), { from: new Date(5 * HOUR).toISOString(), to: new Date(6 * HOUR).toISOString(), instances: 0, hours: 0, growthBytesPerHour: null, floorBytes: null, fragmentation: null, gcPauseFraction: null });
  });
});
