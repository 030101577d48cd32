// Issue 14: values that are finite but absurd (1e308, ±1e308 in turn) are
// stored as sent; no chart, export, overview or rollup pass may fail on them.
// A database of its own: the roller and its progress are database-wide.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Overview, SeriesResponse } from '@memsight/contracts';
import { readRollupProgress, rollUpPass } from '@memsight/db';
import { createTestDatabase } from '@memsight/db/testing';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { postInstance } from '../../testing/seed';

const M = 60_000;
const H = 3_600_000;
const METRICS = ['process.memory.rss', 'process.threads', 'process.open_fds'];
const base = Math.floor(Date.now() / H) * H;
// Two hours at 10 s: RSS always 1e308, threads ±1e308 in turn (avg()'s sum of squares overflowed on it), fds 1, 2, 3 …
const TIMES = Array.from({ length: 720 }, (_, k) => base - 2 * H + k * 10_000);
const samples = (): [number, ...number[]][] => TIMES.map((t, k) => [t, 1e308, k % 2 ? -1e308 : 1e308, (k % 6) + 1]);

describe('finite but absurd values', () => {
  let db: { url: string; drop: () => Promise<void> };
  let tenant: Tenant;
  let url: string;
  let close: () => Promise<void>;
  const ids: string[] = [];
  let appId = '';
  const clock = new ManualClock(base);

  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
  const series = async (step: number): Promise<SeriesResponse> => {
    const metric = METRICS.map((m) => `metric=${encodeURIComponent(m)}`).join('&');
    const res = await get(`/api/instances/${ids[0]}/series?${metric}&from=${base - 2 * H}&to=${base}&step=${step}`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  };
  const pointsOf = (answer: SeriesResponse, metric: string) => answer.series.find((s) => s.metric === metric)!.points as [number, number | null][];

  before(async () => {
    db = await createTestDatabase('finite');
    tenant = await createTenant('finite', db.url);
    const started = await startTestIngest({ databaseUrl: db.url, rollupIntervalSeconds: 0 }, clock);
    url = started.url;
    close = () => started.app.close();
    for (const id of ['huge-inst-a', 'huge-inst-b']) {
      const scope = await postInstance(url, tenant, { id, app: 'absurd', metrics: METRICS, samples: samples() });
      ids.push(scope.instanceId);
      appId = scope.appId;
    }
  });
  after(async () => {
    await close?.();
    await tenant?.cleanup();
    await db?.drop();
  });

  const checkResolutions = async () => {
    for (const step of [0, 10_000, M, H]) {
      const answer = await series(step);
      const rss = pointsOf(answer, 'process.memory.rss').filter((p) => p[1] !== null);
      assert.ok(rss.length > 0, `step ${step}: RSS has points`);
      for (const [, v] of rss) assert.ok(Math.abs(v! - 1e308) <= 1e308 * 1e-12, `step ${step}: the mean of 1e308s is 1e308, not ${v}`);
      for (const [, v] of pointsOf(answer, 'process.threads')) assert.ok(v === null || Math.abs(v) <= 1e308, `step ${step}: ${v}`);
      // Normal values keep their exact mean: fds cycle 1 … 6 every minute.
      if (step >= M) for (const [, v] of pointsOf(answer, 'process.open_fds')) assert.ok(v === null || v === 3.5, `step ${step}: fds mean ${v}`);
    }
  };

  test('raw, minute and hour charts answer 200 before the roller ran (every bucket read raw)', checkResolutions);

  test('the CSV export and the top-series chart answer 200', async () => {
    const csv = await get(`/api/instances/${ids[0]}/series.csv?metric=process.memory.rss&from=${base - H}&to=${base}&step=${M}`);
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), /1e\+308/);
    const top = await get(`/api/apps/${appId}/top-series?from=${base - 2 * H}&to=${base}&step=${H}`);
    assert.equal(top.status, 200, await top.clone().text());
  });

  test('the overview sums RSS across instances without overflow: the sum saturates at the largest float', async () => {
    const res = await get('/api/overview');
    const body: Overview = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    const app = body.apps.find((a) => a.name === 'absurd')!;
    assert.ok(app.rss.v.length > 0);
    for (const v of app.rss.v) assert.equal(v, Number.MAX_VALUE);
  });

  test('the roller rolls them up, and charts read the rollups', async () => {
    // lagMs 0: every batch posted above is read by this pass; hours at once.
    const pass = await rollUpPass(tenant.pool, { nowMs: Date.now(), lagMs: 0, hourEveryMs: 0, backfillFromMs: base - 3 * H });
    assert.ok(pass && pass.minutes > 0 && pass.hours > 0, JSON.stringify(pass));
    const progress = await readRollupProgress(tenant.pool);
    assert.ok(progress['1m']! > 0 && progress['1h']! > 0);
    const { rows } = await tenant.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rollups_1m WHERE instance_id = ANY($1::bigint[])', [ids]);
    assert.ok(rows[0]!.n >= 2 * 120, `minute rollups: ${rows[0]!.n}`);
    const minute = await series(M);
    assert.equal(minute.resolution, '1m');
    const hour = await series(H);
    assert.equal(hour.resolution, '1h');
    await checkResolutions();
  });

  test('the overview still answers 200 once minutes are rolled up', async () => {
    const res = await get('/api/overview');
    assert.equal(res.status, 200, await res.clone().text());
  });
});
