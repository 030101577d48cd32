// Group commit against a real PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { createPool, ensureAllPartitions } from '@memsight/db';
import { testDatabaseUrl } from '../testing/harness';
import { encodeSampleRows, stampIds } from '../queries/samples-copy-binary';
import { BatchRefusedError, SampleWriter, WriterClosedError } from './sample-writer';
import { DatabaseUnavailableError } from './errors';

test('batches arriving together share one transaction, and close() drains before refusing', async () => {
  const pool = createPool(testDatabaseUrl(), 4);
  const now = Date.now();
  await ensureAllPartitions(pool, now - 86_400_000, now + 86_400_000);
  const flushes: number[] = [];
  const writer = new SampleWriter({ pool, flushIntervalMs: 200, maxConcurrentFlushes: 2, maxRowsPerFlush: 10_000, onFlush: (_s, jobs) => flushes.push(jobs) });
  // Instance ids no real instance uses; samples carry no foreign key.
  const instanceIds = [0, 1, 2].map(() => String(randomInt(2 ** 40, 2 ** 47)));
  const job = (instanceId: string, seq: number) => {
    const { rows, rowOffsets } = encodeSampleRows([{ ts: now, values: [seq] }, { ts: now + 1000, values: [seq + 1] }]);
    return { instanceId, seq, copy: stampIds(rows, rowOffsets, instanceId, 1), rowCount: 2, snapshots: [] };
  };
  try {
    const outcomes = await Promise.all([writer.write(job(instanceIds[0]!, 1)), writer.write(job(instanceIds[1]!, 1)), writer.write(job(instanceIds[0]!, 1))]);
    assert.deepEqual(flushes, [3], 'one transaction for all three');
    assert.deepEqual(outcomes.map((o) => o.duplicate), [false, false, true], 'a repeat within the group is a duplicate');

    const pending = writer.write(job(instanceIds[2]!, 7));
    await writer.close();
    assert.deepEqual(await pending, { duplicate: false, stored: 2 }, 'queued work commits on close');
    await assert.rejects(writer.write(job(instanceIds[2]!, 8)), WriterClosedError);

    const stored = await pool.query('SELECT instance_id::text AS id, count(*)::int AS n FROM samples WHERE instance_id = ANY($1) GROUP BY 1 ORDER BY 1', [instanceIds]);
    assert.deepEqual(stored.rows.map((r) => r.n), [2, 2, 2]);
  } finally {
    await pool.query('DELETE FROM samples WHERE instance_id = ANY($1)', [instanceIds]);
    await pool.query('DELETE FROM ingest_batches WHERE instance_id = ANY($1)', [instanceIds]);
    await pool.end();
  }
});

test('a group PostgreSQL refuses is retried member by member: only the guilty batch fails, the others are stored once', async () => {
  const pool = createPool(testDatabaseUrl(), 4);
  const now = Date.now();
  await ensureAllPartitions(pool, now - 86_400_000, now + 86_400_000);
  const flushes: number[] = [];
  const writer = new SampleWriter({ pool, flushIntervalMs: 100, maxConcurrentFlushes: 1, maxRowsPerFlush: 10_000, onFlush: (_s, jobs) => flushes.push(jobs) });
  const instanceIds = [0, 1, 2, 3].map(() => String(randomInt(2 ** 40, 2 ** 47)));
  const job = (instanceId: string, seq: number) => {
    const { rows, rowOffsets } = encodeSampleRows([{ ts: now, values: [seq] }, { ts: now + 1000, values: [seq + 1, null] }]);
    return { instanceId, seq, copy: stampIds(rows, rowOffsets, instanceId, 1), rowCount: 2, snapshots: [] };
  };
  // Valid framing, but a timestamp past PostgreSQL's range (int64 micros near 2^63): SQLSTATE 22008.
  const bad = job(instanceIds[3]!, 5);
  bad.copy.writeInt32BE(0x7fffffff, 18);
  try {
    const outcomes = await Promise.allSettled([writer.write(job(instanceIds[0]!, 1)), writer.write(bad), writer.write(job(instanceIds[1]!, 1)), writer.write(job(instanceIds[2]!, 1))]);
    assert.equal(flushes[0], 4, 'all four shared the first try');
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const refused = (outcomes[1] as PromiseRejectedResult).reason;
    assert.ok(refused instanceof BatchRefusedError, String(refused));
    assert.match(refused.message, /seq 5 .*SQLSTATE 22/);
    const stored = await pool.query<{ id: string; n: number }>('SELECT instance_id::text AS id, count(*)::int AS n FROM samples WHERE instance_id = ANY($1) GROUP BY 1', [instanceIds]);
    assert.deepEqual(new Map(stored.rows.map((r) => [r.id, r.n])), new Map(instanceIds.slice(0, 3).map((id) => [id, 2])), 'each valid batch once, none of the bad one');
    const keys = await pool.query('SELECT 1 FROM ingest_batches WHERE instance_id = $1', [instanceIds[3]]);
    assert.equal(keys.rowCount, 0, 'the refused batch left no idempotency key: a corrected resend is stored');
  } finally {
    await writer.close();
    await pool.query('DELETE FROM samples WHERE instance_id = ANY($1)', [instanceIds]);
    await pool.query('DELETE FROM ingest_batches WHERE instance_id = ANY($1)', [instanceIds]);
    await pool.end();
  }
});

test('waits are bounded: a batch not committed in time gets DatabaseUnavailableError, and a full queue refuses at once', async () => {
  const pool = createPool(testDatabaseUrl(), 2);
  const now = Date.now();
  // A flush interval far past the bound stands in for a database that does not answer.
  const writer = new SampleWriter({ pool, flushIntervalMs: 60_000, maxConcurrentFlushes: 1, maxRowsPerFlush: 10_000, commitTimeoutMs: 50, maxQueuedRows: 1_000 });
  const instanceId = String(randomInt(2 ** 40, 2 ** 47));
  const job = (seq: number, n: number) => {
    const { rows, rowOffsets } = encodeSampleRows(Array.from({ length: n }, (_, i) => ({ ts: now + i, values: [i] })));
    return { instanceId, seq, copy: stampIds(rows, rowOffsets, instanceId, 1), rowCount: n, snapshots: [] };
  };
  try {
    const first = writer.write(job(1, 800));
    await assert.rejects(writer.write(job(2, 800)), DatabaseUnavailableError, 'over the queue cap: refused without waiting');
    await assert.rejects(first, DatabaseUnavailableError);
    await writer.close();
    const stored = await pool.query('SELECT 1 FROM ingest_batches WHERE instance_id = $1', [instanceId]);
    assert.equal(stored.rowCount, 0, 'a batch that timed out while queued is not written later');
  } finally {
    await pool.end();
  }
});

test('bulk batches are written alone, one at a time, and small ones group without them; a bulk batch resent is a duplicate', async () => {
  const pool = createPool(testDatabaseUrl(), 6);
  const now = Date.now();
  await ensureAllPartitions(pool, now - 86_400_000, now + 86_400_000);
  const flushes: { jobs: number; start: number; end: number }[] = [];
  const writer = new SampleWriter({
    pool, flushIntervalMs: 100, maxConcurrentFlushes: 4, maxRowsPerFlush: 100_000, bulkBytes: 64 * 1024,
    onFlush: (s, jobs) => flushes.push({ jobs, start: performance.now() - s * 1000, end: performance.now() }),
  });
  const instanceIds = [0, 1, 2, 3].map(() => String(randomInt(2 ** 40, 2 ** 47)));
  // 1,500 rows of 100 values: about 1.2 MB of COPY data, over the pipelined write's 1 MiB, sent in pieces.
  const job = (instanceId: string, rows: number) => {
    const encoded = encodeSampleRows(Array.from({ length: rows }, (_, i) => ({ ts: now - i * 1000, values: Array.from({ length: 100 }, (_, j) => i + j) })));
    return { instanceId, seq: 1, copy: stampIds(encoded.rows, encoded.rowOffsets, instanceId, 1), rowCount: rows, snapshots: [] };
  };
  try {
    const [a, b, c, d] = instanceIds as [string, string, string, string];
    const outcomes = await Promise.all([writer.write(job(a, 1500)), writer.write(job(b, 1500)), writer.write(job(c, 2)), writer.write(job(d, 2))]);
    assert.deepEqual(outcomes.map((o) => o.stored), [1500, 1500, 2, 2]);
    assert.deepEqual(flushes.map((f) => f.jobs).sort(), [1, 1, 2], 'each bulk batch alone; the two small ones together');
    const [first, second] = flushes.filter((f) => f.jobs === 1) as [(typeof flushes)[0], (typeof flushes)[0]];
    assert.ok(second.start >= first.end - 1 || first.start >= second.end - 1, 'the bulk batches were written one after the other');
    assert.deepEqual(await writer.write(job(a, 1500)), { duplicate: true, stored: 0 }, 'a resent bulk batch is found a duplicate');
    const stored = await pool.query<{ n: number; total: string }>(
      `SELECT count(*)::int AS n, sum(v)::text AS total FROM samples, unnest("values") AS v WHERE instance_id = $1`, [a]);
    // Every row of the split COPY arrived whole: 1,500 rows × 100 values, summing Σi Σj (i + j).
    const expected = Array.from({ length: 1500 }, (_, i) => Array.from({ length: 100 }, (_, j) => i + j).reduce((x, y) => x + y, 0)).reduce((x, y) => x + y, 0);
    assert.deepEqual([stored.rows[0]!.n, Number(stored.rows[0]!.total)], [150_000, expected]);
  } finally {
    await writer.close();
    await pool.query('DELETE FROM samples WHERE instance_id = ANY($1)', [instanceIds]);
    await pool.query('DELETE FROM ingest_batches WHERE instance_id = ANY($1)', [instanceIds]);
    await pool.end();
  }
});
