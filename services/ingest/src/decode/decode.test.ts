// decodeBatch inline and through the worker pool, on the golden vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readGoldenText, readGolden } from '@memsight/contracts/golden';
import { decodeBatch, type DecodeRequest } from './decode-batch';
import { DecodePool } from './decode-pool';

const golden = readGolden('valid', 'python-batch');
const newest = Math.max(...golden.samples.map((s) => s.ts));
const window = { nowMs: newest, maxAgeMs: 3_600_000, maxFutureMs: 60_000 };
const request = (body: Buffer, gzip = false): DecodeRequest => ({ body: new Uint8Array(body), gzip, limitBytes: 1024 * 1024, window });

test('a golden batch decodes to one binary row per sample and the live columns', () => {
  const result = decodeBatch(request(Buffer.from(readGoldenText('valid', 'python-batch'))));
  assert.ok(result.ok);
  assert.equal(result.batch.rowOffsets.length, golden.samples.length);
  assert.equal(result.batch.header.instance.id, golden.instance.id);
  assert.equal(result.batch.lastTs, newest);
  assert.deepEqual(result.batch.live.metrics, ['process.memory.rss', 'cpython.pymalloc.used_bytes']);
  assert.equal(result.batch.live.rows[0]![1], golden.samples[0]!.values[0]);
});

test('a gzip bomb stops at the limit with 413, a corrupt one gets 400', () => {
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
  const result = decodeBatch(request(bomb, true));
  assert.ok(!result.ok);
  assert.equal(result.error.status, 413);
  const corrupt = decodeBatch(request(Buffer.from('nope'), true));
  assert.ok(!corrupt.ok);
  assert.equal(corrupt.error.status, 400);
});

test('a value that overflows to Infinity rejects only its sample', () => {
  const result = decodeBatch(request(Buffer.from(readGoldenText('partial', 'non-finite'))));
  assert.ok(result.ok);
  assert.deepEqual(result.batch.rejections.map((r) => [r.index, r.code]), [[2, 'non_finite_value']]);
  assert.equal(result.batch.rowOffsets.length, golden.samples.length - 1);
});

test('the worker pool answers like the inline decoder, for many requests at once', async () => {
  const pool = new DecodePool({ size: 2, onError: (err) => assert.fail(String(err)) });
  try {
    await pool.ready();
    const bodies = Array.from({ length: 20 }, () => Buffer.from(readGoldenText('valid', 'node-batch')));
    const nodeWindow = { ...window, nowMs: Math.max(...readGolden('valid', 'node-batch').samples.map((s) => s.ts)) };
    const results = await Promise.all(bodies.map((b) => pool.decode({ ...request(b), window: nodeWindow })));
    const inline = decodeBatch({ ...request(Buffer.from(readGoldenText('valid', 'node-batch'))), window: nodeWindow });
    for (const r of results) {
      assert.ok(r.ok && inline.ok);
      assert.deepEqual(Buffer.from(r.batch.rows), Buffer.from(inline.batch.rows));
      assert.deepEqual(r.batch.header, inline.batch.header);
    }
    const bad = await pool.decode(request(Buffer.from(readGoldenText('invalid', 'wrong-version'))));
    assert.ok(!bad.ok);
    assert.equal(bad.error.code, 'invalid_body');
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails only the request it held, and a fresh worker takes its place', { timeout: 20_000 }, async () => {
  const errors: unknown[] = [];
  const pool = new DecodePool({ size: 2, onError: (err) => errors.push(err), workerUrl: new URL('./fixtures/crashing-worker.mjs', import.meta.url) });
  try {
    await pool.ready();
    // Two workers: the crashing body goes to the first, the other to the second.
    const [crashed, served] = await Promise.allSettled([pool.decode(request(Buffer.from('crash'))), pool.decode(request(Buffer.from('neighbour')))]);
    assert.equal(crashed.status, 'rejected');
    // A retryable 503 that says nothing of what broke inside.
    const reason = (crashed as PromiseRejectedResult).reason;
    assert.equal(reason.statusCode, 503);
    assert.equal(reason.code, 'decode_unavailable');
    assert.equal(reason.headers['retry-after'], '1');
    assert.match(reason.message, /retry/);
    assert.equal(served.status, 'fulfilled');
    // Both slots answer again, so the dead worker was replaced.
    const after = await Promise.all([pool.decode(request(Buffer.from('one'))), pool.decode(request(Buffer.from('two')))]);
    assert.deepEqual(after.map((r) => (r.ok ? 'ok' : r.error.message)), ['one', 'two']);
    assert.deepEqual(errors, [], 'an exit is not an error event');
  } finally {
    await pool.close();
  }
});

test('a small gzip body that inflates past the small lane decodes in full on the other worker', { timeout: 20_000 }, async () => {
  const pool = new DecodePool({ size: 2, onError: (err) => assert.fail(String(err)) });
  try {
    await pool.ready();
    // Valid JSON padded with 3 MB of whitespace: a few KB gzipped, far past what the small lane inflates.
    const text = readGoldenText('valid', 'python-batch').replace(/^\{/, `{${' '.repeat(3 * 1024 * 1024)}`);
    const body = gzipSync(Buffer.from(text));
    assert.ok(body.length < 64 * 1024);
    const result = await pool.decode({ ...request(body, true), limitBytes: 8 * 1024 * 1024 });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
    assert.equal(result.batch.rowOffsets.length, golden.samples.length);
    const tooBig = await pool.decode({ ...request(body, true), limitBytes: 2 * 1024 * 1024 });
    assert.ok(!tooBig.ok && tooBig.error.status === 413, 'past the real limit it is still 413');
  } finally {
    await pool.close();
  }
});
