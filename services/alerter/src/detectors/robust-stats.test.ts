import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannKendall, median, normalCdf, normalQuantile, quantile, senSlope, serialCorrelationFactor, theilSen } from './robust-stats';
import { fitShape } from './shapes';

const close = (a: number, b: number, eps: number) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

test('normal CDF and quantile agree with tables and invert each other', () => {
  close(normalCdf(0), 0.5, 1e-7);
  close(normalCdf(1.959964), 0.975, 1e-6);
  close(normalCdf(-2.326348), 0.01, 1e-6);
  for (const p of [0.001, 0.05, 0.5, 0.9, 0.99, 0.999999]) close(normalCdf(normalQuantile(p)), p, 1e-6 * Math.max(1, p));
});

test('Mann-Kendall: S and its tie-corrected variance, by hand', () => {
  // 1 2 3 4 5: every pair concordant. S = 10, Var = 5·4·15/18.
  const up = mannKendall([1, 2, 3, 4, 5], 0, 5);
  assert.equal(up.s, 10);
  close(up.variance, (5 * 4 * 15) / 18, 1e-9);
  close(up.z, 9 / Math.sqrt((5 * 4 * 15) / 18), 1e-9);
  // Ties: 1 1 2 2 2 → groups of 2 and 3 lower the variance.
  const tied = mannKendall([1, 1, 2, 2, 2], 0, 5);
  assert.equal(tied.s, 6);
  close(tied.variance, (5 * 4 * 15 - 2 * 1 * 9 - 3 * 2 * 11) / 18, 1e-9);
  assert.equal(mannKendall([3, 3, 3, 3], 0, 4).confidence, 0.5, 'a constant says nothing');
  assert.ok(mannKendall([5, 4, 3, 2, 1, 0], 0, 6).confidence < 0.01, 'a falling series is not rising');
});

test('Theil-Sen: the median pairwise slope shrugs off outliers; Sen interval brackets it', () => {
  const t = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const v = t.map((x) => 2 * x + 10);
  v[3] = 500; // one bucket that missed the floor
  const mk = mannKendall(v, 0, v.length);
  const line = theilSen(t, v, 0, v.length, mk.variance, 0.95);
  close(line.slope, 2, 1e-9);
  close(line.intercept, 10, 1e-9);
  assert.ok(line.slopeLow <= 2 && line.slopeHigh >= 2 && line.slopeLow > 0);
  close(senSlope(t, v, 0, v.length), 2, 1e-9);
  assert.ok(Number.isNaN(theilSen(t, v, 0, v.length).slopeLow), 'no interval unless asked');
});

test('median and quantile leave their input alone', () => {
  const v = [5, 1, 4, 2, 3];
  assert.equal(median(v), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(quantile(v, 0.9), 5);
  assert.deepEqual(v, [5, 1, 4, 2, 3]);
});

test('serial correlation: a wandering series inflates the variance, independent noise does not', () => {
  const t = Array.from({ length: 40 }, (_, i) => i);
  const wander = t.map((i) => Math.sin(i / 6) * 10);
  const iid = t.map((i) => ((i * 7919) % 13) - 6);
  assert.ok(serialCorrelationFactor(t, wander, 0, 40) > 3);
  assert.equal(serialCorrelationFactor(t, iid, 0, 40), 1);
});

test('shapes: each shape is recognised, with its change point', () => {
  const n = 60;
  const t = Array.from({ length: n }, (_, i) => i * 120_000);
  const jitter = (i: number) => (((i * 7919) % 11) - 5) * 0.02;
  const shape = (f: (i: number) => number) => fitShape(t, t.map((_, i) => f(i) + jitter(i)), n, 1e-6);
  assert.equal(shape(() => 5).shape, 'flat');
  assert.equal(shape((i) => i * 0.5).shape, 'line');
  const step = shape((i) => (i < 30 ? 0 : 10));
  assert.deepEqual([step.shape, step.knot], ['step', 30]);
  const stopped = shape((i) => Math.min(i, 40) * 0.5);
  assert.deepEqual([stopped.shape, stopped.knot], ['ramp-then-flat', 40]);
  const started = shape((i) => Math.max(0, i - 35) * 0.5);
  assert.equal(started.shape, 'flat-then-ramp');
  assert.ok(Math.abs(started.knot - 35) <= 1 && started.slope > 0);
  const both = shape((i) => Math.min(Math.max(0, i - 15), 25) * 0.5);
  assert.equal(both.shape, 'ramp-stopped');
  assert.ok(Math.abs(both.knot - 40) <= 3, `stopped at ${both.knot}`);
});
