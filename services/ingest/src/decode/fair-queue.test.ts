// The decode queue's order: a tenant's own requests in order, and across
// tenants the one served fewer bytes first, so a light tenant's request is not
// queued behind a heavy tenant's backlog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FairQueue } from './fair-queue';

const MB = 1024 * 1024;
const takeAll = (q: FairQueue<string>) => Array.from({ length: q.size }, () => q.shift()!);

test("a light tenant's request goes ahead of a heavy tenant's backlog, and each tenant keeps its own order", () => {
  const q = new FairQueue<string>();
  for (let i = 1; i <= 4; i++) q.push('heavy', 9.5 * MB, `heavy-${i}`);
  q.push('light', 300, 'light-1');
  q.push('light', 300, 'light-2');
  assert.deepEqual(takeAll(q), ['light-1', 'light-2', 'heavy-1', 'heavy-2', 'heavy-3', 'heavy-4']);
});

test('equal tenants sending equal requests alternate', () => {
  const q = new FairQueue<string>();
  for (let i = 1; i <= 3; i++) q.push('a', 1000, `a${i}`);
  for (let i = 1; i <= 3; i++) q.push('b', 1000, `b${i}`);
  assert.deepEqual(takeAll(q), ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
});

test('bytes are what is shared: a tenant of 10 KB requests gets about ten for one of 100 KB', () => {
  const q = new FairQueue<string>();
  for (let i = 0; i < 30; i++) q.push('small', 10_000, 's');
  for (let i = 0; i < 3; i++) q.push('big', 100_000, 'B');
  const order = takeAll(q).join('');
  assert.equal(order.replace(/s/g, '').length, 3);
  // Each big request comes after about ten small ones.
  assert.deepEqual([...order.matchAll(/B/g)].map((m) => Math.round(m.index! / 11)), [1, 2, 3]);
});

test('an idle tenant earns no credit: after a pause it shares from now on, it does not take the queue over', () => {
  const q = new FairQueue<string>();
  q.push('a', 1000, 'a0');
  q.shift();
  for (let i = 1; i <= 50; i++) q.push('b', 1000, `b${i}`);
  for (let i = 0; i < 40; i++) q.shift(); // b has been served 40 requests while a was idle
  for (let i = 1; i <= 3; i++) q.push('a', 1000, `a${i}`);
  const next = Array.from({ length: 6 }, () => q.shift());
  assert.deepEqual(next, ['a1', 'b41', 'a2', 'b42', 'a3', 'b43']);
});

test('an eligibility test skips what a worker may not take; remove and drain forget items', () => {
  const q = new FairQueue<{ name: string; small: boolean }>();
  const big = { name: 'big', small: false };
  const small = { name: 'small', small: true };
  q.push('a', 1000, big);
  q.push('b', 200_000, small);
  assert.equal(q.shift((j) => j.small), small);
  assert.equal(q.shift((j) => j.small), undefined);
  assert.equal(q.remove(big), true);
  assert.equal(q.remove(big), false);
  assert.equal(q.size, 0);
  q.push('c', 1, big);
  assert.deepEqual(q.drain(), [big]);
  assert.equal(q.size, 0);
});
