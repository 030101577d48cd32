// Retention in a database of its own (it drops partitions database-wide):
// only partitions wholly past their table's cut-off go, rows in the others
// stay, and old batch keys are trimmed while recent ones remain.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createTestDatabase } from './testing';
import { createPool } from './pool';
import { ensureAllPartitions, listPartitions, partitionOf } from './partitions';
import { applyRetention, DEFAULT_RETENTION_DAYS } from './retention';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('retention', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;

  before(async () => {
    db = await createTestDatabase('retention');
    pool = createPool(db.url, 2);
    pool.on('error', () => {}); // an idle connection ended when the database is dropped
    await ensureAllPartitions(pool, NOW - 100 * DAY, NOW + DAY);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('drops only the partitions wholly older than each table keeps, and trims old batch keys', async () => {
    const sample = (ms: number) => pool.query(`INSERT INTO samples VALUES (1, to_timestamp($1 / 1000.0), 1, '{1}')`, [ms]);
    await sample(NOW - 7 * DAY - 60_000); // in the partition that straddles the cut-off: kept with it
    await sample(NOW - 8 * DAY); // in a wholly expired partition
    await sample(NOW - 60_000);
    await pool.query(
      `INSERT INTO ingest_batches (instance_id, seq, sample_count, received_at) SELECT 1, g, 1, to_timestamp($1 / 1000.0) FROM generate_series(1, 12000) g`,
      [NOW - 4 * DAY],
    );
    await pool.query(`INSERT INTO ingest_batches (instance_id, seq, sample_count, received_at) VALUES (1, 99999, 1, to_timestamp($1 / 1000.0))`, [NOW - DAY]);
    const before = await listPartitions(pool, 'samples');

    const outcome = await applyRetention(pool, NOW, DEFAULT_RETENTION_DAYS);

    const cutoff = NOW - 7 * DAY;
    const after = await listPartitions(pool, 'samples');
    assert.deepEqual(after.map((p) => p.name), before.filter((p) => p.toMs > cutoff).map((p) => p.name));
    assert.ok(after.some((p) => p.name === partitionOf('samples', cutoff).name), 'the partition holding the cut-off stays');
    assert.ok(outcome.dropped.includes(partitionOf('samples', NOW - 8 * DAY).name));
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM samples');
    assert.equal(Number(rows[0]!.n), 2, 'the two samples inside kept partitions are still there');
    for (const [table, days] of [['snapshots', 30], ['rollups_1m', 90]] as const) {
      const left = await listPartitions(pool, table);
      assert.ok(left.every((p) => p.toMs > NOW - days * DAY), `${table}: nothing older than ${days} days`);
      assert.ok(left.some((p) => p.fromMs <= NOW - (days - 1) * DAY), `${table}: the last ${days} days are kept`);
    }
    assert.equal((await listPartitions(pool, 'rollups_1h')).length, 5, 'hour rollups: every month of the last 100 days is within 2 years');
    assert.equal(outcome.batchKeysDeleted, 12000, 'the keys older than 3 days, in bounded chunks');
    const keys = await pool.query<{ seq: string }>('SELECT seq FROM ingest_batches');
    assert.deepEqual(keys.rows.map((r) => Number(r.seq)), [99999]);
    assert.deepEqual((await applyRetention(pool, NOW, DEFAULT_RETENTION_DAYS)).dropped, [], 'a second pass has nothing to drop');
  });
});
