// Compaction in a database of its own (it drops raw partitions): settled days
// become compact blocks that decode to exactly what was written, charts read
// across compacted and raw days answer exactly as before, and a rerun changes
// nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { compactSettledDays, createPool, ensureAllPartitions, listPartitions, readCompactedRows, upsertMetricSet } from '@memsight/db';
import { createTestDatabase } from '@memsight/db/testing';
import { getInstanceSeries, listInstanceMetrics } from './get-instance-series';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const D0 = Date.UTC(2026, 9, 1);
const NOW = D0 + 4 * DAY + HOUR; // days 0 and 1 are settled (accepted age 1 day + a day's margin); day 2 is not
const A = ['process.memory.rss', 'cpython.pymalloc.utilization'];
const B = [...A, 'process.open_fds'];
const TIMES = Array.from({ length: (3 * DAY) / 10_000 }, (_, k) => D0 + k * 10_000 + (k % 11 === 5 ? 3 : 0));
// RSS in pages with noise, a ratio, and from noon of day 1 a third metric; a few nulls.
const valuesAt = (t: number, k: number): (number | null)[] => {
  const row = [4096 * (25_000 + Math.floor(k / 6) + ((k * 7919) % 37)), k % 97 === 0 ? null : 0.4 + ((k * 31) % 100) / 1000];
  return t >= D0 + 1.5 * DAY ? [...row, 40 + (k % 3)] : row;
};

describe('compaction', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  const ctx = { nowMs: NOW, rawRetentionMs: 7 * DAY };
  const charts = [
    { fromMs: D0 + 20 * HOUR, toMs: D0 + DAY + 4 * HOUR, stepMs: 0 },
    { fromMs: D0 + 1.4 * DAY, toMs: D0 + 2.2 * DAY, stepMs: 7_000 }, // buckets that straddle midnight
    { fromMs: D0 + 1.9 * DAY, toMs: D0 + 2.1 * DAY, stepMs: 30_000, aggregate: 'min' as const },
  ];
  const read = () => Promise.all(charts.map((c) => getInstanceSeries(pool, { instanceId: '1', metrics: B, ...c }, ctx)));
  let before_: Awaited<ReturnType<typeof read>>;

  before(async () => {
    db = await createTestDatabase('compaction');
    pool = createPool(db.url, 3);
    pool.on('error', () => {});
    await ensureAllPartitions(pool, D0, NOW);
    const sets = { a: await upsertMetricSet(pool, A), b: await upsertMetricSet(pool, B) };
    const rows = TIMES.map((t, k) => ({ t, v: valuesAt(t, k) }));
    await pool.query(
      `INSERT INTO samples SELECT 1, to_timestamp(t / 1000.0), s, string_to_array(v, ',', '')::float8[] FROM unnest($1::float8[], $2::int[], $3::text[]) AS x(t, s, v)`,
      [rows.map((r) => r.t), rows.map((r) => (r.v.length === 3 ? sets.b : sets.a)), rows.map((r) => r.v.map((x) => (x === null ? '' : String(x))).join(','))],
    );
    // The roller has read everything: the days are final.
    await pool.query(`INSERT INTO rollup_progress (resolution, received_until) VALUES ('1h', to_timestamp($1 / 1000.0))`, [NOW]);
    before_ = await read();
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('settled days are rewritten as blocks that decode bit for bit, and their raw partitions dropped', async (t) => {
    const rawBytes = Number((await pool.query(`SELECT pg_total_relation_size('samples_p20261001') AS b`)).rows[0].b);
    const done = await compactSettledDays(pool, NOW, DAY);
    assert.deepEqual(done.map((d) => d.day), ['2026-10-01', '2026-10-02']);
    assert.deepEqual((await listPartitions(pool, 'samples')).filter((p) => p.toMs <= D0 + 2 * DAY), [], 'the two raw days are gone');
    const decoded = await readCompactedRows(pool, '1', D0, D0 + 2 * DAY);
    assert.equal(decoded.length, 2 * 8640);
    decoded.forEach((r, k) => {
      assert.equal(r.ts, TIMES[k]);
      assert.deepEqual(r.values, valuesAt(TIMES[k]!, k), `sample ${k}`);
    });
    const perValue = done[0]!.bytes / (done[0]!.samples * A.length);
    assert.ok(perValue < 4, `${perValue.toFixed(2)} B/value compacted`);
    assert.ok(done[0]!.bytes * 10 < rawBytes, `compacted ${done[0]!.bytes} B against ${rawBytes} B raw`);
    assert.deepEqual(await compactSettledDays(pool, NOW, DAY), [], 'a rerun has nothing to compact');
    t.diagnostic(`day 0: ${done[0]!.samples} samples in ${done[0]!.blocks} blocks, ${done[0]!.bytes} B (${perValue.toFixed(2)} B/value) against ${rawBytes} B raw`);
  });

  test('charts read across compacted and raw days answer as they did before', async () => {
    const after_ = await read();
    after_.forEach((answer, c) => {
      assert.ok(answer.plan.parts.some((p) => p.source === 'compacted'), `chart ${c} reads compacted samples`);
      for (const m of B) {
        const was = before_[c]!.series.get(m)!;
        const now = answer.series.get(m)!;
        assert.equal(now.length, was.length, `chart ${c} ${m}: points`);
        now.forEach(([t, v], i) => {
          const [t0, v0] = was[i]!;
          assert.equal(t, t0);
          // A mean is summed in another order than PostgreSQL's; everything else is the stored value itself.
          if (v === null || v0 === null || charts[c]!.stepMs === 0 || charts[c]!.aggregate) assert.equal(v, v0, `chart ${c} ${m} at ${t}`);
          else assert.ok(Math.abs(v - v0) <= 1e-12 * Math.abs(v0), `chart ${c} ${m} at ${t}: ${v} ≠ ${v0}`);
        });
      }
    });
    assert.deepEqual(await listInstanceMetrics(pool, '1', D0, D0 + DAY), [...A].sort(), 'metric names of a compacted day');
  });
});
