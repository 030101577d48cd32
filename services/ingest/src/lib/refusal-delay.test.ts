import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefusalDelay } from './refusal-delay';

const body = () => {
  const b = { paused: false, pause: () => (b.paused = true) };
  return b;
};

test('a refusal is held for the delay, at most its Retry-After, with its body paused', async () => {
  const delay = new RefusalDelay(60);
  const b = body();
  const started = performance.now();
  const held = delay.hold(b, 5);
  assert.equal(b.paused, true, 'the body stops being read while the refusal is held');
  assert.equal(delay.holding, 1);
  await held;
  assert.ok(performance.now() - started >= 55, 'held for the delay');
  assert.equal(delay.holding, 0);
  // A Retry-After of 0 s (or a delay of 0) answers at once, and nothing is paused.
  const quick = body();
  await new RefusalDelay(60).hold(quick, 0);
  await new RefusalDelay(0).hold(quick, 5);
  assert.equal(quick.paused, false);
});

test('past maxHeld refusals at once, the next is answered without a hold', async () => {
  const delay = new RefusalDelay(300, 2);
  const held = [delay.hold(body(), 10), delay.hold(body(), 10)];
  const extra = body();
  await delay.hold(extra, 10);
  assert.equal(extra.paused, false, 'answered without a hold');
  assert.equal(delay.holding, 2);
  await Promise.all(held);
  assert.equal(delay.holding, 0);
});
