// GET /api/overview: per-app sparklines summed across instances, worst growth
// and fragmentation, open alerts, and the ranked leak suspects, per tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppOverview, LeakSuspect, Overview } from '@memsight/contracts';
import { rollUpPass, rollUpRange } from '@memsight/db';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { insertAlert, postInstance } from '../../testing/seed';

const M = 60_000;
const H = 3_600_000;
const base = Date.parse('2026-06-01T12:00:00Z');
const RSS_FIRST = ['process.memory.rss', 'glibc.malloc.fragmentation', 'process.threads'];
// Another metric order: RSS sits elsewhere in this metric set's arrays.
const RSS_LAST = ['process.threads', 'glibc.malloc.fragmentation', 'process.memory.rss'];
const forecast = (atMs: number) => ({ limitName: 'container limit', limitBytes: 536870912, at: new Date(atMs).toISOString(), earliest: new Date(atMs - H).toISOString(), latest: null, secondsToLimit: 1 });

describe('overview API', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  const clock = new ManualClock(base + 30_000);
  const now = clock.ms;
  const ids: Record<string, string> = {};
  const alertIds: Record<string, string> = {};

  const get = (path: string, key = owner.apiKey) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const overview = async (key = owner.apiKey): Promise<Overview> => {
    const res = await get('/api/overview', key);
    assert.equal(res.status, 200);
    return res.json();
  };
  const app = (o: Overview, name: string): AppOverview => o.apps.find((a) => a.name === name)!;

  before(async () => {
    owner = await createTenant('overview-owner');
    stranger = await createTenant('overview-stranger');
    const started = await startTestIngest({}, clock);
    url = started.url;
    close = () => started.app.close();
    const seed = async (tenant: Tenant, id: string, appName: string, metrics: string[], samples: [number, ...(number | null)[]][]) => {
      const scope = await postInstance(url, tenant, { id, app: appName, metrics, samples });
      ids[id] = scope.instanceId;
      return scope;
    };
    const a = await seed(owner, 'instance-a', 'shop', RSS_FIRST, [
      [base - 90 * M, 9e9, 0.99, 4], // before the hour: in no bucket
      [base - 2 * M, 100, 0.9, 4],
      [base - 2 * M + 10_000, 200, 0.9, 4],
      [base - 2 * M + 20_000, 300, 0.9, 4],
      [base - M, 1000, 0.2, 4],
    ]);
    const b = await seed(owner, 'instance-b', 'shop', RSS_LAST, [
      [base - 2 * M + 30_000, 3, 0.3, 50],
      [base - 2 * M + 40_000, 3, 0.3, 70],
      [base - M + 30_000, 3, 0.3, null],
      [base, 3, 0.45, 7],
    ]);
    const c = await seed(owner, 'instance-c', 'search', RSS_FIRST, [[base - 50_000, 5000, null, 2]]);
    const e = await seed(owner, 'instance-e', 'search', RSS_FIRST, [[base - 40_000, 7000, 0.1, 1]]);
    const d = await seed(owner, 'instance-d', 'legacy', RSS_FIRST, [[base - 2 * H, 5e9, 0.99, 1]]);
    // Not seen for two hours, but its leak alert is still open.
    await owner.pool.query('UPDATE instances SET last_seen_at = $2 WHERE id = $1', [d.instanceId, new Date(base - 2 * H)]);

    alertIds.aLeak = await insertAlert(owner, a, { kind: 'leak', state: 'firing', startedAt: base - 30 * M, value: 1e6 });
    await insertAlert(owner, a, { kind: 'leak', state: 'resolved', startedAt: base - 50 * M, value: 9e9 });
    await insertAlert(owner, a, { kind: 'time-to-limit', state: 'resolved', startedAt: base - 50 * M, value: 60, evidence: { forecast: forecast(now + M) } });
    await insertAlert(owner, a, { kind: 'threshold', state: 'firing', startedAt: base - 10 * M, value: 12 });
    alertIds.bLeak = await insertAlert(owner, b, { kind: 'leak', state: 'pending', startedAt: base - 20 * M, value: 3e6, evidence: { forecast: forecast(now + 5 * H) } });
    alertIds.cTtl = await insertAlert(owner, c, {
      kind: 'time-to-limit', state: 'pending', startedAt: base - 40 * M, value: 7200,
      evidence: { rateBytesPerHour: 5e5, growthStartedAt: new Date(base - 2 * H).toISOString(), forecast: forecast(now + 2 * H) },
    });
    // A leak alert's own forecast gives way to the time-to-limit alert's.
    alertIds.cLeak = await insertAlert(owner, c, { kind: 'leak', state: 'firing', startedAt: base - 30 * M, value: 8e5, evidence: { forecast: forecast(now + H) } });
    alertIds.eLeak = await insertAlert(owner, e, { kind: 'leak', state: 'firing', startedAt: base - 15 * M, value: 9e6 });
    alertIds.dLeak = await insertAlert(owner, d, { kind: 'leak', state: 'pending', startedAt: base - 3 * H, value: 2e6 });

    // The stranger's figures would top every ranking if they leaked across.
    const s = await seed(stranger, 'instance-s', 'shop', RSS_FIRST, [[base - M, 1e12, 0.999, 1]]);
    await insertAlert(stranger, s, { kind: 'time-to-limit', state: 'firing', startedAt: base - M, value: 1, evidence: { rateBytesPerHour: 1e12, forecast: forecast(now + 1000) } });
    for (let n = 0; n < 21; n++) {
      const x = await seed(stranger, `instance-x${String(n).padStart(2, '0')}`, 'crowd', RSS_FIRST, [[base - M, 1e6, 0.5, 1]]);
      await insertAlert(stranger, x, { kind: 'leak', state: 'firing', startedAt: base - M, value: 1e10 + n });
    }
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  test("an app's sparkline sums its instances' per-minute averages over the last hour, empty minutes left out", async () => {
    const o = await overview();
    assert.deepEqual(o.apps.map((a) => a.name), ['legacy', 'search', 'shop']);
    // 11:58: A averages 200, B 60; 11:59: A 1000, B reported no RSS; 12:00: B 7.
    assert.deepEqual(app(o, 'shop').rss, { t: [base - 2 * M, base - M, base], v: [260, 1000, 7] });
    assert.deepEqual(app(o, 'search').rss, { t: [base - M], v: [12000] });
    assert.deepEqual(app(o, 'legacy').rss, { t: [], v: [] }, 'samples older than the hour are in no bucket');
    assert.equal(app(o, 'shop').instanceCount, 2);
  });

  test('minutes the roller has rolled up are read from minute rollups: the same sums, and the rollup is what is read', async () => {
    const shop = ids['instance-a']!;
    // The roller reads batches a few seconds after they were received (they may still be committing).
    const deadline = Date.now() + 30_000;
    for (;;) {
      await rollUpPass(owner.pool, { nowMs: Date.now(), lagMs: 5_000, hourEveryMs: 300_000, backfillFromMs: base - 2 * H }).catch(() => {}); // lost a race with another suite's pass: again
      const { rows } = await owner.pool.query('SELECT count(*)::int AS n FROM rollups_1m WHERE instance_id = $1', [shop]);
      if (rows[0].n >= 2) break;
      assert.ok(Date.now() < deadline, 'the batches were rolled up within 30 s');
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.deepEqual(app(await overview(), 'shop').rss, { t: [base - 2 * M, base - M, base], v: [260, 1000, 7] });
    // A's 11:58 rollup says 5000 where its raw samples average 200: the sparkline follows the rollup.
    const minute = new Date(base - 2 * M);
    await owner.pool.query(`UPDATE rollups_1m SET "avg" = array_fill(5000::float8, ARRAY[cardinality("avg")]) WHERE instance_id = $1 AND bucket = $2`, [shop, minute]);
    try {
      assert.deepEqual(app(await overview(), 'shop').rss.v, [5060, 1000, 7]);
    } finally {
      const db = await owner.pool.connect();
      await rollUpRange(db, '1m', base - 2 * M, base - M).finally(() => db.release());
    }
    assert.deepEqual(app(await overview(), 'shop').rss.v, [260, 1000, 7]);
  });

  test('worst growth is the largest open leak rate; worst fragmentation reads only newest samples of the hour', async () => {
    const o = await overview();
    const shop = app(o, 'shop');
    assert.deepEqual(shop.worstGrowth, { instanceId: ids['instance-b'], bytesPerHour: 3e6 }, 'the resolved 9e9 leak of A does not count');
    assert.deepEqual(shop.worstFragmentation, { instanceId: ids['instance-b'], ratio: 0.45 }, "A's older 0.9 readings do not count");
    assert.equal(shop.openAlerts, 3);
    const search = app(o, 'search');
    assert.deepEqual(search.worstGrowth, { instanceId: ids['instance-e'], bytesPerHour: 9e6 });
    assert.deepEqual(search.worstFragmentation, { instanceId: ids['instance-e'], ratio: 0.1 });
    assert.equal(search.openAlerts, 3);
    const legacy = app(o, 'legacy');
    assert.deepEqual([legacy.worstGrowth, legacy.worstFragmentation, legacy.openAlerts], [{ instanceId: ids['instance-d'], bytesPerHour: 2e6 }, null, 1]);
  });

  test('suspects rank by time to limit, then growth; resolved alerts are out', async () => {
    const { suspects } = await overview();
    assert.deepEqual(suspects.map((s) => s.host), ['instance-c', 'instance-b', 'instance-e', 'instance-d', 'instance-a']);
    const c = suspects[0]!;
    const expected: LeakSuspect = {
      instanceId: ids['instance-c']!, appId: c.appId, appName: 'search', host: 'instance-c', pid: 100, worker: 'gunicorn:1', runtime: 'cpython',
      growthBytesPerHour: 8e5, secondsToLimit: 7200, limitBytes: 536870912, limitName: 'container limit',
      forecastAt: new Date(now + 2 * H).toISOString(), growthStartedAt: new Date(base - 2 * H).toISOString(),
      rssBytes: 5000, state: 'firing', alertIds: [alertIds.cTtl!, alertIds.cLeak!],
    };
    assert.deepEqual(c, expected);
    const [, b, e, d, a] = suspects;
    assert.deepEqual([b!.secondsToLimit, b!.state, b!.rssBytes, b!.alertIds], [5 * 3600, 'pending', 7, [alertIds.bLeak]]);
    assert.deepEqual([e!.secondsToLimit, e!.forecastAt, e!.growthBytesPerHour], [null, null, 9e6]);
    assert.deepEqual([d!.rssBytes, d!.growthStartedAt], [null, new Date(base - 3 * H).toISOString()]);
    assert.deepEqual([a!.growthBytesPerHour, a!.alertIds], [1e6, [alertIds.aLeak]], "A's resolved time-to-limit alert would have put it first");
  });

  test("another tenant sees only its own apps and suspects, at most 20", async () => {
    const theirs = await overview(stranger.apiKey);
    assert.deepEqual(theirs.apps.map((a) => [a.name, a.instanceCount]), [['crowd', 21], ['shop', 1]]);
    assert.equal(theirs.suspects.length, 20);
    assert.equal(theirs.suspects[0]!.host, 'instance-s');
    assert.deepEqual(theirs.suspects.slice(1, 3).map((s) => s.host), ['instance-x20', 'instance-x19'], 'then the fastest growing');
    const mine = await overview();
    const strangerIds = new Set(Object.entries(ids).filter(([k]) => k === 'instance-s' || k.startsWith('instance-x')).map(([, v]) => v));
    assert.ok(mine.suspects.every((s) => !strangerIds.has(s.instanceId)));
    assert.equal(app(mine, 'shop').rss.v.includes(1e12), false);
    assert.equal((await fetch(`${url}/api/overview`)).status, 401);
  });
});
