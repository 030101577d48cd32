import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden } from '@memsight/contracts/golden';
import { validateSamples } from './validate-samples';

const batch = readGolden('valid', 'node-batch');
const newest = Math.max(...batch.samples.map((s) => s.ts));
const window = { nowMs: newest, maxAgeMs: 3_600_000, maxFutureMs: 60_000 };

test('a clean batch passes whole', () => {
  const out = validateSamples(batch, window);
  assert.equal(out.rows.length, batch.samples.length);
  assert.equal(out.rejected, 0);
});

test('each kind of bad sample is rejected alone with its index', () => {
  const b = structuredClone(batch);
  b.samples[0]!.values.pop();
  b.samples[1]!.values[2] = Number.POSITIVE_INFINITY;
  b.samples[2]!.ts = newest + 120_000;
  b.samples[3]!.ts = newest - 7_200_000;
  b.samples[5]!.ts = b.samples[4]!.ts;
  const out = validateSamples(b, window);
  assert.deepEqual(
    out.rejections.map((r) => [r.index, r.code]),
    [[0, 'value_count_mismatch'], [1, 'non_finite_value'], [2, 'timestamp_in_future'], [3, 'timestamp_too_old'], [5, 'duplicate_timestamp']],
  );
  assert.equal(out.rows.length, 1);
  assert.match(out.rejections[1]!.message, /v8js.memory.heap.space.size\{space=old_space\}|nodejs/);
});

test('null values are allowed: a collector that failed soft', () => {
  const b = structuredClone(batch);
  b.samples[0]!.values[0] = null;
  assert.equal(validateSamples(b, window).rejected, 0);
});

test('only the first 100 rejections are listed but all are counted', () => {
  const b = structuredClone(batch);
  b.samples = Array.from({ length: 250 }, (_, i) => ({ ts: newest - i, values: [] }));
  const out = validateSamples(b, window);
  assert.equal(out.rejected, 250);
  assert.equal(out.rejections.length, 100);
});
