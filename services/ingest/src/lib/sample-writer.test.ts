// Group commit against a real PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { createPool, ensureAllPartitions } from '@memsight/db';
import { testDatabaseUrl } from '../test/harness';
import { encodeSampleRows, stampIds } from '../queries/samples-copy-binary';
import { SampleWriter, WriterClosedError } from './sample-writer';

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
