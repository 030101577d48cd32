// The binary COPY encoder against a real PostgreSQL: what goes in comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import { createPool } from '@memsight/db';
import { testDatabaseUrl } from '../testing/harness';
import { COPY_HEADER, COPY_TRAILER, encodeSampleRows, stampIds } from './samples-copy-binary';

test('rows with nulls, negatives, fractions and large values round-trip exactly', async () => {
  const pool = createPool(testDatabaseUrl(), 1);
  const client = await pool.connect();
  try {
    await client.query('CREATE TEMP TABLE copy_check (LIKE samples)');
    const rows = [
      { ts: Date.parse('2026-01-02T03:04:05.678Z'), values: [1.5, null, -2, 1e300, 0.1 + 0.2] },
      { ts: Date.parse('1999-12-31T23:59:59.999Z'), values: [Number.MAX_SAFE_INTEGER, 5e-324] },
      { ts: Date.parse('2100-06-01T00:00:00.001Z'), values: [] },
    ];
    const encoded = encodeSampleRows(rows);
    const stamped = stampIds(encoded.rows, encoded.rowOffsets, '9007199254740993', 42);
    await pipeline(Readable.from([COPY_HEADER, stamped, COPY_TRAILER]), client.query(copyStreams.from('COPY copy_check FROM STDIN (FORMAT binary)')));
    const back = await client.query(
      `SELECT instance_id::text AS id, (extract(epoch FROM ts) * 1000)::float8 AS ts, metric_set_id, values FROM copy_check ORDER BY ts`,
    );
    const expected = [...rows].sort((a, b) => a.ts - b.ts);
    assert.deepEqual(
      back.rows.map((r) => [r.id, Number(r.ts), r.metric_set_id, r.values]),
      expected.map((r) => ['9007199254740993', r.ts, 42, r.values]),
    );
  } finally {
    client.release();
    await pool.end();
  }
});
