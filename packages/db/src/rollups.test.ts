// Rollups against a direct aggregation of the raw rows, in a database of
// their own (the roller's lock and progress are database-wide): two metric
// sets, a metric missing from some ticks, a null value, then a late batch,
// a duplicate the raw table refuses, and a rerun.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createTestDatabase } from './testing';
import { createPool } from './pool';
import { upsertMetricSet } from './metric-sets';
import { ensureAllPartitions } from './partitions';
import { rollUpRange } from './rollups';
import { rollUpPass } from './roller';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 30, 22, 0, 0); // crosses midnight, so two day partitions and two months' hours
interface Row { instance: number; ts: number; names: string[]; values: (number | null)[] }

/** A sawtooth over a slow rise, for memory-like values with a floor. */
function rowsFor(instance: number, fromMs: number, toMs: number, stepMs: number, names: string[]): Row[] {
  const out: Row[] = [];
  for (let ts = fromMs; ts < toMs; ts += stepMs) {
    const k = (ts - T0) / stepMs;
    out.push({ instance, ts, names, values: names.map((_, i) => (k % 97 === 13 && i === 0 ? null : 1e8 + i * 1e6 + (k % 30) * 1e5 + k * 10 + instance)) });
  }
  return out;
}

async function insert(pool: pg.Pool, rows: Row[], receivedNow = true): Promise<void> {
  for (const names of new Set(rows.map((r) => r.names))) {
    const set = await upsertMetricSet(pool, names);
    const mine = rows.filter((r) => r.names === names);
    await pool.query(
      `INSERT INTO samples (instance_id, ts, metric_set_id, values)
       SELECT i, to_timestamp(t / 1000.0), $1, (SELECT array_agg(x::float8 ORDER BY o) FROM unnest(string_to_array(v, ',', '')) WITH ORDINALITY u(x, o))
         FROM unnest($2::bigint[], $3::float8[], $4::text[]) AS x(i, t, v) ON CONFLICT DO NOTHING`,
      [set, mine.map((r) => r.instance), mine.map((r) => r.ts), mine.map((r) => r.values.map((v) => v ?? '').join(','))],
    );
  }
  if (!receivedNow) return;
  for (const instance of new Set(rows.map((r) => r.instance))) {
    const ts = rows.filter((r) => r.instance === instance).map((r) => r.ts);
    await pool.query(
      `INSERT INTO ingest_batches (instance_id, seq, sample_count, min_ts, max_ts)
       VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM ingest_batches WHERE instance_id = $1), $2, to_timestamp($3 / 1000.0), to_timestamp($4 / 1000.0))`,
      [instance, ts.length, Math.min(...ts), Math.max(...ts)],
    );
  }
}

type Agg = { n: number; min: number | null; max: number | null; avg: number | null; last: number | null };

/** What a rollup of `stepMs` must hold, from the raw rows as stored (first write of a (instance, ts) wins). */
function expected(rows: Row[], stepMs: number): Map<string, Agg> {
  const stored = new Map<string, Row>();
  for (const r of rows) if (!stored.has(`${r.instance}:${r.ts}`)) stored.set(`${r.instance}:${r.ts}`, r);
  const out = new Map<string, Agg & { sum: number; lastTs: number }>();
  for (const r of stored.values()) {
    r.names.forEach((name, i) => {
      const key = `${r.instance}|${Math.floor(r.ts / stepMs) * stepMs}|${name}`;
      const a = out.get(key) ?? { n: 0, min: null, max: null, avg: null, last: null, sum: 0, lastTs: -1 };
      const v = r.values[i];
      if (v !== null && v !== undefined) {
        a.n++;
        a.sum += v;
        a.min = a.min === null ? v : Math.min(a.min, v);
        a.max = a.max === null ? v : Math.max(a.max, v);
        if (r.ts > a.lastTs) [a.last, a.lastTs] = [v, r.ts];
      }
      out.set(key, a);
    });
  }
  return new Map([...out].map(([k, a]) => [k, { n: a.n, min: a.min, max: a.max, avg: a.n ? a.sum / a.n : null, last: a.last }]));
}

async function stored(pool: pg.Pool, table: 'rollups_1m' | 'rollups_1h'): Promise<Map<string, Agg>> {
  const { rows } = await pool.query<{ k: string; n: number; min: number | null; max: number | null; avg: number | null; last: number | null }>(
    `SELECT r.instance_id || '|' || (extract(epoch FROM r.bucket) * 1000)::bigint || '|' || u.name AS k, u.n, u.mn AS min, u.mx AS max, u.av AS avg, u.lst AS last
       FROM ${table} r JOIN metric_sets ms ON ms.id = r.metric_set_id
       CROSS JOIN LATERAL unnest(ms.names, r.n, r."min", r."max", r."avg", r."last") AS u(name, n, mn, mx, av, lst)`,
  );
  return new Map(rows.map((r) => [r.k, { n: r.n, min: r.min, max: r.max, avg: r.avg, last: r.last }]));
}

function assertSame(actual: Map<string, Agg>, want: Map<string, Agg>, what: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...want.keys()].sort(), `${what}: the same (instance, bucket, metric) cells`);
  for (const [k, w] of want) {
    const a = actual.get(k)!;
    assert.deepEqual({ n: a.n, min: a.min, max: a.max, last: a.last }, { n: w.n, min: w.min, max: w.max, last: w.last }, `${what} ${k}`);
    if (w.avg === null) assert.equal(a.avg, null, `${what} ${k} mean`);
    else assert.ok(Math.abs(a.avg! - w.avg) <= 1e-9 * Math.abs(w.avg), `${what} ${k} mean ${a.avg} ≠ ${w.avg}`);
  }
}

describe('rollups', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  const all: Row[] = [];
  const pass = () => rollUpPass(pool, { nowMs: T0 + 4 * HOUR, lagMs: 0, hourEveryMs: 0, backfillFromMs: T0 - HOUR });

  before(async () => {
    db = await createTestDatabase('rollups');
    pool = createPool(db.url, 3);
    pool.on('error', () => {}); // an idle connection ended when the database is dropped
    await ensureAllPartitions(pool, T0 - 86_400_000, T0 + 2 * 86_400_000);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('minute and hour rollups equal a direct aggregation of the raw rows', async () => {
    // A first pass on an empty database records where it stands; the data then comes as received batches.
    assert.ok(await pass());
    const a = ['process.memory.rss', 'cpython.gc.collections{generation=0}'];
    const b = [...a, 'process.open_fds'];
    all.push(...rowsFor(1, T0, T0 + 3 * HOUR, 10_000, a), ...rowsFor(2, T0 + 30 * 60_000, T0 + 2.5 * HOUR, 7_000, b));
    all.push(...rowsFor(1, T0 + 3 * HOUR, T0 + 3.5 * HOUR, 10_000, b)); // the metric set changes mid-hour
    await insert(pool, all);
    const p = await pass();
    assert.ok(p && p.minutes > 0 && p.hours > 0, JSON.stringify(p));
    assertSame(await stored(pool, 'rollups_1m'), expected(all, 60_000), '1m');
    assertSame(await stored(pool, 'rollups_1h'), expected(all, HOUR), '1h');
  });

  test('a late batch, a duplicate the raw table refuses, and a rerun still give the direct aggregation', async () => {
    const late = rowsFor(2, T0 + 5_500, T0 + 20 * 60_000, 7_000, ['process.memory.rss']); // into minutes already rolled up
    const duplicate = all.slice(100, 140).map((r) => ({ ...r, values: r.values.map(() => 1) })); // same (instance, ts): refused
    all.push(...late, ...duplicate);
    await insert(pool, [...late, ...duplicate]);
    await pass();
    await pass(); // nothing new: the same rows
    assertSame(await stored(pool, 'rollups_1m'), expected(all, 60_000), '1m after a late batch');
    assertSame(await stored(pool, 'rollups_1h'), expected(all, HOUR), '1h after a late batch');
    // A backfill over the same range rewrites the same values.
    const db1 = await pool.connect();
    try {
      await rollUpRange(db1, '1m', T0 - HOUR, T0 + 4 * HOUR);
      await rollUpRange(db1, '1h', T0 - HOUR, T0 + 4 * HOUR);
    } finally {
      db1.release();
    }
    assertSame(await stored(pool, 'rollups_1m'), expected(all, 60_000), '1m after a backfill');
    assertSame(await stored(pool, 'rollups_1h'), expected(all, HOUR), '1h after a backfill');
  });

  test('samples written without a batch record are found by the backfill of a first pass', async () => {
    const loaded = rowsFor(3, T0 + HOUR, T0 + 2 * HOUR, 10_000, ['process.memory.rss']);
    all.push(...loaded);
    await insert(pool, loaded, false);
    await pool.query('DELETE FROM rollup_progress');
    await pass();
    assertSame(await stored(pool, 'rollups_1m'), expected(all, 60_000), '1m after a first-pass backfill');
  });

  test("a wide metric set's rollup arrays are stored uncompressed, as charts read them element by element", async () => {
    // 60 metrics: five arrays of 60 make a row past the 2 kB at which PostgreSQL would compress them.
    const wide = Array.from({ length: 60 }, (_, i) => `app.metric_${String(i).padStart(2, '0')}`);
    // Long before the migrations ran: partitions the writer creates, not ones a migration altered.
    const at = Date.UTC(2025, 0, 15);
    await ensureAllPartitions(pool, at, at + HOUR);
    // Steady values (as many counters and gauges are) compress well: what PostgreSQL would compress.
    const steady = rowsFor(4, at, at + HOUR, 10_000, wide).map((r) => ({ ...r, values: r.values.map((_, i) => 1e6 * (i % 3)) }));
    await insert(pool, steady, false);
    const db1 = await pool.connect();
    try {
      await rollUpRange(db1, '1m', at, at + HOUR);
      await rollUpRange(db1, '1h', at, at + HOUR);
    } finally {
      db1.release();
    }
    for (const table of ['rollups_1m', 'rollups_1h']) {
      // As stored, against whole arrays: a 24-byte header, then 4 bytes per count and 8 per float8.
      const { rows } = await pool.query<{ size: number; bytes: number }>(
        `SELECT pg_column_size(n) + pg_column_size("min") + pg_column_size("max") + pg_column_size("avg") + pg_column_size("last") AS size,
                5 * 24 + 4 * cardinality(n) + 4 * 8 * cardinality("avg") AS bytes
           FROM ${table} WHERE instance_id = 4 LIMIT 1`,
      );
      assert.ok(rows[0], `${table} has instance 4's rows`);
      assert.equal(rows[0]!.size, rows[0]!.bytes, `${table}: the arrays of 60 metrics are stored whole, not compressed`);
    }
  });
});
