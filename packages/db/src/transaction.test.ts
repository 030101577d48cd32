import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createPool } from './pool';
import { createTestDatabase } from './testing';
import { inTransaction, withTransaction } from './transaction';

describe('transactions', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  before(async () => {
    db = await createTestDatabase('transaction');
    pool = createPool(db.url, 2);
    await pool.query('CREATE TABLE t (v int)');
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });
  const values = async () => (await pool.query<{ v: number }>('SELECT v FROM t ORDER BY v')).rows.map((r) => r.v);

  test('what the work did is kept when it returns, and undone when it throws, with its error passed on', async () => {
    await pool.query('TRUNCATE t');
    assert.equal(await withTransaction(pool, async (c) => (await c.query('INSERT INTO t VALUES (1)')).rowCount), 1);
    await assert.rejects(withTransaction(pool, async (c) => {
      await c.query('INSERT INTO t VALUES (2)');
      throw new Error('work failed');
    }), /work failed/);
    assert.deepEqual(await values(), [1]);
  });

  test('keep decides from the result; a failing statement rolls back and leaves the connection usable', async () => {
    await pool.query('TRUNCATE t');
    const outcome = await withTransaction(pool, async (c) => {
      await c.query('INSERT INTO t VALUES (3)');
      return 'refused' as const;
    }, { keep: (r) => r !== 'refused' });
    assert.equal(outcome, 'refused');
    const client = await pool.connect();
    try {
      await assert.rejects(inTransaction(client, () => client.query('SELECT 1/0')), /division by zero/);
      await inTransaction(client, () => client.query('INSERT INTO t VALUES (4)'));
    } finally {
      client.release();
    }
    assert.deepEqual(await values(), [4]);
  });

  test('begin opens the transaction as asked', async () => {
    await assert.rejects(withTransaction(pool, (c) => c.query('INSERT INTO t VALUES (5)'), { begin: 'BEGIN READ ONLY' }), /read-only transaction/);
    assert.ok(!(await values()).includes(5));
  });
});
