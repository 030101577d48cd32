import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../detectors/types';
import { decide, PENDING_GRACE_MS, type OpenAlertState } from './decide';

const found: Finding = { summary: 'grows', metric: 'm', value: 1, evidence: { nextStep: 'look' } };
const o = (nowMs: number) => ({ forMs: 300_000, resolveHoldMs: 300_000, nowMs, kind: 'leak' as const });
const pending = (startedAtMs: number, clearSinceMs: number | null = null): OpenAlertState => ({ state: 'pending', startedAtMs, clearSinceMs });
const firing = (clearSinceMs: number | null = null): OpenAlertState => ({ state: 'firing', startedAtMs: 0, clearSinceMs });

test('a condition opens pending, fires after its for, and "cannot tell" changes nothing', () => {
  assert.deepEqual(decide(undefined, found, o(0)), { action: 'open', state: 'pending' });
  assert.deepEqual(decide(undefined, found, { ...o(0), forMs: 0 }), { action: 'open', state: 'firing' });
  assert.deepEqual(decide(pending(0), found, o(299_999)), { action: 'hold', clearSinceMs: null });
  assert.deepEqual(decide(pending(0), found, o(300_000)), { action: 'fire' });
  assert.deepEqual(decide(pending(0), undefined, o(400_000)), { action: 'none' });
  assert.deepEqual(decide(undefined, null, o(0)), { action: 'none' });
});

test('a pending condition that blinks off keeps its for; one that stays clear resolves', () => {
  assert.deepEqual(decide(pending(0), null, o(60_000)), { action: 'hold', clearSinceMs: 60_000 });
  assert.deepEqual(decide(pending(0, 60_000), null, o(60_000 + PENDING_GRACE_MS - 1)), { action: 'hold', clearSinceMs: 60_000 });
  assert.equal(decide(pending(0, 60_000), null, o(60_000 + PENDING_GRACE_MS)).action, 'resolve');
  // Back before the grace ran out: the clear spell is forgotten and the for still counts from the start.
  assert.deepEqual(decide(pending(0, 60_000), found, o(90_000)), { action: 'hold', clearSinceMs: null });
  assert.deepEqual(decide(pending(0, 250_000), found, o(300_000)), { action: 'fire' });
  // A short for gets a shorter grace (half of it): a 30 s for tolerates 15 s.
  assert.equal(decide(pending(0, 10_000), null, { ...o(25_000), forMs: 30_000 }).action, 'resolve');
  // A threshold is crisp: the first clear evaluation resolves its pending alert.
  assert.equal(decide(pending(0), null, { ...o(30_000), kind: 'threshold' }).action, 'resolve');
});

test('a firing condition resolves only after it stayed clear for the hold', () => {
  assert.deepEqual(decide(firing(), null, o(1_000)), { action: 'hold', clearSinceMs: 1_000 });
  assert.deepEqual(decide(firing(1_000), null, o(300_999)), { action: 'hold', clearSinceMs: 1_000 });
  assert.equal(decide(firing(1_000), null, o(301_000)).action, 'resolve');
  assert.deepEqual(decide(firing(1_000), found, o(2_000)), { action: 'hold', clearSinceMs: null });
});
