import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBuckets } from './token-bucket';

test('allows up to the rate, then asks to wait, then refills with time', () => {
  let now = 0;
  const buckets = new TokenBuckets(100, () => now);
  assert.equal(buckets.take('p', 60), 0);
  assert.equal(buckets.take('p', 60), 1);
  now += 500; // +50 tokens: 90 available
  assert.equal(buckets.take('p', 60), 0);
  assert.equal(buckets.take('other', 100), 0, 'keys are independent');
});

test('a rate of 0 disables limiting, and one oversized request is allowed from a full bucket', () => {
  assert.equal(new TokenBuckets(0, () => 0).take('p', 1e9), 0);
  const buckets = new TokenBuckets(10, () => 0);
  assert.equal(buckets.take('p', 500), 0);
  assert.ok(buckets.take('p', 500) > 1);
});

test('tokens charged from elsewhere are spent here: into debt of at most a second, then refilled', () => {
  let now = 0;
  const admitted: [string, number][] = [];
  const buckets = new TokenBuckets(100, () => now, (key, n) => admitted.push([key, n]));
  buckets.charge('p', 80);
  assert.equal(buckets.take('p', 30), 1, 'only 20 left after another replica took 80');
  buckets.charge('p', 1000);
  now += 1000; // +100: from the floor of -100 back to 0
  assert.equal(buckets.take('p', 1), 1, 'the debt is bounded by a second, and a second repays it');
  now += 300;
  assert.equal(buckets.take('p', 30), 0);
  assert.deepEqual(admitted, [['p', 30]], 'only what this bucket admitted is reported');
});

test('a reservation is settled to the exact cost: refunded or charged, and only the exact count is reported', () => {
  const now = 0;
  const admitted: [string, number][] = [];
  const buckets = new TokenBuckets(100, () => now, (key, n) => admitted.push([key, n]));
  assert.equal(buckets.reserve('p', 80), 0);
  assert.equal(buckets.reserve('p', 30), 1, 'the reservation holds tokens meanwhile');
  buckets.settle('p', 80, 10); // the body held fewer values than estimated: 70 back
  assert.equal(buckets.take('p', 85), 0);
  buckets.settle('p', 0, 500); // more than estimated: into debt, bounded by a second's worth
  assert.equal(buckets.reserve('p', 1), 2, '101 tokens short at 100 a second');
  assert.deepEqual(admitted, [['p', 10], ['p', 85], ['p', 500]]);
});
