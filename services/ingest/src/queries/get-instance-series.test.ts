// Series read across resolution boundaries, in a database of its own (the
// roller's progress is database-wide): minute rollups up to where the roller
// got, raw samples after; hour rollups; raw retention passed; gaps; CSV.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createPool, ensureAllPartitions, rollUpRange, upsertMetricSet } from '@memsight/db';
import { createTestDatabase } from '@memsight/db/testing';
import { getInstanceSeries, listInstanceMetrics } from './get-instance-series';
import { planSeries } from './series-plan';
import { seriesCsv } from '../routes/query/series-csv';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const NAMES = ['process.memory.rss', 'process.open_fds'];
// A sawtooth of 90 s teeth over a rise, sampled every 10 s, with a 10-minute hole at 2:30.
const value = (ts: number) => 5e7 + ((ts - T0) % 90_000) * 100 + (ts - T0) / 1000;
const TIMES = Array.from({ length: 3 * 360 }, (_, k) => T0 + k * 10_000).filter((t) => t < T0 + 150 * MIN || t >= T0 + 160 * MIN);

/** The direct aggregation a chart of `stepMs` must show, bucketed on the epoch. */
function direct(stepMs: number, fromMs: number, toMs: number, agg: 'avg' | 'min' | 'max' | 'last'): Map<number, number> {
  const buckets = new Map<number, number[]>();
  for (const t of TIMES.filter((x) => x >= fromMs && x < toMs)) {
    const b = Math.floor(t / stepMs) * stepMs;
    buckets.set(b, [...(buckets.get(b) ?? []), value(t)]);
  }
  const f = { avg: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length, min: (v: number[]) => Math.min(...v), max: (v: number[]) => Math.max(...v), last: (v: number[]) => v.at(-1)! }[agg];
  return new Map([...buckets].map(([b, v]) => [b, f(v)]));
}

describe('instance series across resolutions', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  const ctx = { nowMs: T0 + 3 * HOUR, rawRetentionMs: 7 * DAY };
  const read = (fromMs: number, toMs: number, stepMs: number, aggregate: 'avg' | 'min' | 'max' | 'last' = 'avg', c = ctx) =>
    getInstanceSeries(pool, { instanceId: '1', metrics: NAMES, fromMs, toMs, stepMs, aggregate }, c);

  before(async () => {
    db = await createTestDatabase('series');
    pool = createPool(db.url, 3);
    pool.on('error', () => {});
    await ensureAllPartitions(pool, T0 - DAY, T0 + DAY);
    const set = await upsertMetricSet(pool, NAMES);
    await pool.query(
      `INSERT INTO samples SELECT 1, to_timestamp(t / 1000.0), $1, ARRAY[v, 40] FROM unnest($2::float8[], $3::float8[]) AS x(t, v)`,
      [set, TIMES, TIMES.map(value)],
    );
    // The roller got to 2:00 for minutes and 1:00 for hours.
    const c = await pool.connect();
    await rollUpRange(c, '1m', T0, T0 + 2 * HOUR);
    await rollUpRange(c, '1h', T0, T0 + HOUR);
    c.release();
    await pool.query(`INSERT INTO rollup_progress (resolution, received_until) VALUES ('1m', to_timestamp($1 / 1000.0)), ('1h', to_timestamp($2 / 1000.0))`, [T0 + 2 * HOUR, T0 + HOUR]);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  for (const [stepMs, agg] of [[MIN, 'avg'], [2 * MIN, 'min'], [5 * MIN, 'max'], [MIN, 'last'], [HOUR, 'avg']] as const) {
    test(`a ${stepMs / MIN}-minute ${agg} chart across the rollup boundary equals the raw aggregation`, async () => {
      const { plan, series } = await read(T0, T0 + 3 * HOUR, stepMs, agg);
      assert.equal(plan.resolution, stepMs >= HOUR ? '1h' : '1m');
      assert.deepEqual(plan.parts.map((p) => p.source), [stepMs >= HOUR ? 'rollups_1h' : 'rollups_1m', 'samples'], 'both sources are read');
      const want = direct(stepMs, T0, T0 + 3 * HOUR, agg);
      const got = series.get('process.memory.rss')!.filter((p) => p[1] !== null) as [number, number][];
      assert.deepEqual(got.map((p) => p[0]), [...want.keys()], 'one point per bucket with data');
      for (const [t, v] of got) assert.ok(Math.abs(v - want.get(t)!) <= 1e-9 * v, `${new Date(t).toISOString()}: ${v} ≠ ${want.get(t)}`);
      assert.ok(series.get('process.open_fds')!.every((p) => p[1] === null || p[1] === 40));
    });
  }

  test('a step under a minute reads raw samples; past raw retention it reads minute rollups', async () => {
    assert.equal((await read(T0, T0 + HOUR, 10_000)).plan.resolution, 'raw');
    const late = { nowMs: T0 + 8 * DAY, rawRetentionMs: 7 * DAY };
    const { plan, series } = await read(T0, T0 + HOUR, 10_000, 'avg', late);
    assert.equal(plan.resolution, '1m');
    assert.equal(plan.stepMs, MIN);
    assert.equal(series.get('process.memory.rss')!.length, 60);
  });

  test('a hole in the data comes back as a gap, not a line across it', async () => {
    const { series } = await read(T0 + 2 * HOUR, T0 + 3 * HOUR, MIN);
    const points = series.get('process.memory.rss')!;
    const nulls = points.filter((p) => p[1] === null).map((p) => p[0]);
    assert.equal(nulls.length, 1, JSON.stringify(points.slice(25, 35)));
    assert.ok(nulls[0]! >= T0 + 150 * MIN && nulls[0]! < T0 + 160 * MIN, `the gap is marked inside the hole: ${new Date(nulls[0]!).toISOString()}`);
  });

  test('the metric list reads hour rollups and the raw samples after them', async () => {
    assert.deepEqual(await listInstanceMetrics(pool, '1', T0, T0 + 3 * HOUR), [...NAMES].sort());
  });

  test('the plan rounds a rollup step to whole buckets and never reads past the range', () => {
    const plan = planSeries({ fromMs: T0 + 30_000, toMs: T0 + 2 * HOUR, stepMs: 87_000 }, { nowMs: T0 + 2 * HOUR, rawRetentionMs: 7 * DAY, progress: {} });
    assert.equal(plan.stepMs, 2 * MIN);
    assert.deepEqual(plan.parts, [{ source: 'samples', fromMs: T0, toMs: T0 + 2 * HOUR }], 'without rollup progress, raw samples answer it all');
    const month = planSeries({ fromMs: T0, toMs: T0 + 30 * DAY, stepMs: 2_592_000 }, { nowMs: T0 + 30 * DAY, rawRetentionMs: 7 * DAY, progress: { '1h': T0 + 30 * DAY } });
    assert.deepEqual([month.resolution, month.stepMs], ['1h', HOUR], 'a 30-day chart at ~1000 points reads 720 hour rollups');
  });

  test('CSV: a header, a row per time, empty cells for missing values, formula-looking names neutralised', () => {
    const csv = seriesCsv({
      instanceId: '1', from: '', to: '', stepMs: 60000, resolution: '1m', aggregate: 'avg',
      series: [
        { metric: 'a', unit: null, points: [[0, 1], [60000, null]] },
        { metric: '=cmd|x', unit: null, points: [[60000, 2.5]] },
      ],
    });
    assert.equal(csv, "time,a,'=cmd|x\r\n1970-01-01T00:00:00.000Z,1,\r\n1970-01-01T00:01:00.000Z,,2.5\r\n");
  });
});
