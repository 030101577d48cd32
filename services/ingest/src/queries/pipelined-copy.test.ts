// The one-round-trip COPY against a real PostgreSQL: it commits on success,
// and on any failure, before or during the COPY, it reports the error, leaves
// nothing behind and leaves the connection usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool } from '@memsight/db';
import { testDatabaseUrl } from '../testing/harness';
import { COPY_HEADER, COPY_TRAILER, encodeSampleRows, stampIds } from './samples-copy-binary';
import { pipelinedCopy } from './pipelined-copy';

const rowsFor = (id: string, ts: number[]) => {
  const e = encodeSampleRows(ts.map((t) => ({ ts: t, values: [t / 1000, null] })));
  return stampIds(e.rows, e.rowOffsets, id, 7);
};

test('keys, samples and COMMIT in one round trip; failures leave nothing and the connection clean', async () => {
  const pool = createPool(testDatabaseUrl(), 1);
  const client = await pool.connect();
  try {
    await client.query('CREATE TEMP TABLE pc_keys (k int PRIMARY KEY)');
    await client.query('CREATE TEMP TABLE pc_samples (LIKE samples INCLUDING ALL)');
    const copy = (key: number, data: Buffer[]) =>
      pipelinedCopy(
        client,
        `BEGIN; INSERT INTO pc_keys VALUES (${key}); COPY pc_samples (instance_id, ts, metric_set_id, values) FROM STDIN (FORMAT binary); COMMIT`,
        [COPY_HEADER, ...data, COPY_TRAILER],
      );
    const count = async () => (await client.query('SELECT (SELECT count(*) FROM pc_keys)::int AS k, (SELECT count(*) FROM pc_samples)::int AS s')).rows[0];

    const tags = await copy(1, [rowsFor('5', [1_000, 2_000]), rowsFor('6', [1_000])]);
    assert.deepEqual(tags, ['BEGIN', 'INSERT 0 1', 'COPY 3', 'COMMIT']);
    assert.deepEqual(await count(), { k: 1, s: 3 });

    // Fails before the COPY (repeated key): the data that followed is ignored.
    await assert.rejects(copy(1, [rowsFor('5', [3_000])]), (e: { code?: string }) => e.code === '23505');
    await client.query('ROLLBACK');
    assert.deepEqual(await count(), { k: 1, s: 3 });

    // Fails inside the COPY (a stored row again): the key insert is rolled back too.
    await assert.rejects(copy(2, [rowsFor('5', [4_000, 1_000])]), (e: { code?: string }) => e.code === '23505');
    await client.query('ROLLBACK');
    assert.deepEqual(await count(), { k: 1, s: 3 });

    // Malformed data: a clear protocol error, and still nothing half-written.
    await assert.rejects(copy(3, [Buffer.from('not binary copy')]));
    await client.query('ROLLBACK');
    assert.deepEqual(await count(), { k: 1, s: 3 });

    // The connection still works for the next group.
    await copy(4, [rowsFor('5', [5_000])]);
    assert.deepEqual(await count(), { k: 2, s: 4 });
  } finally {
    client.release();
    await pool.end();
  }
});
