import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceSeries } from '../series/instance-series';
import { combine, envelope, fold, increase, readPoints, usable, windowStart } from './envelope';
import { formatBytes, formatConfidence, formatDuration, formatUtc } from './format';
import { MINUTE, T0 } from './sample-series';

function series(minutes: number, value: (t: number) => number) {
  const s = new InstanceSeries({ id: 'e', runtime: 'node', startedAtMs: T0, memoryLimitBytes: null }, 60_000, 120);
  for (let t = 0; t < minutes * MINUTE; t += 10_000) s.addRecord(T0 + t, { 'process.memory.rss': value(t), 'process.threads': 7 });
  return s;
}

test('fold keeps each group’s extreme at its own time; mean and last as named', () => {
  const p = { t: [30, 90, 150, 210], v: [5, 1, 7, 3] };
  const min = fold('x', p, 'min', 120);
  assert.deepEqual([...min.t.subarray(0, min.n)], [90, 210]);
  assert.deepEqual([...min.v.subarray(0, min.n)], [1, 3]);
  const max = fold('x', p, 'max', 120);
  assert.deepEqual([...max.v.subarray(0, max.n)], [5, 7]);
  const mean = fold('x', p, 'mean', 120);
  assert.deepEqual([...mean.v.subarray(0, mean.n)], [3, 5]);
  assert.deepEqual([...fold('x', p, 'last', 120).v.subarray(0, 2)], [1, 3]);
});

test('envelopes read through the real bucketing, at most 60 points, sliced like points()', () => {
  const s = series(150, (t) => 100 + Math.sin(t / 7000) * 10);
  const view = s.view(T0 + 150 * MINUTE);
  const from = windowStart(view, { windowSeconds: 7200, minSpanSeconds: 900, warmupSeconds: 180 });
  const e = envelope(view, 'process.memory.rss', 'min', from);
  assert.ok(e.n <= 60 && e.n >= 35, `${e.n} points`); // 2 h of 1-min buckets in 3-min groups
  assert.deepEqual(readPoints(view, 'process.memory.rss', 'min', from), view.points('process.memory.rss', 'min', from));
  assert.ok(usable(e, view, { windowSeconds: 7200, minSpanSeconds: 900, warmupSeconds: 180 }));
  assert.ok(!usable(e, s.view(T0 + 175 * MINUTE), { windowSeconds: 7200, minSpanSeconds: 900, warmupSeconds: 180 }), 'stale 25 min later');
});

test('combine joins buckets present in both; increase reads a counter through a reset', () => {
  assert.deepEqual(combine({ t: [1, 2, 3], v: [10, 20, 30] }, { t: [2, 3, 4], v: [1, 2, 3] }, (a, b) => a - b), { t: [2, 3], v: [19, 28] });
  assert.deepEqual(increase({ t: [1, 2, 3, 4], v: [5, 8, 2, 4] }).v, [0, 3, 5, 7]);
});

test('figures as summaries print them', () => {
  assert.equal(formatBytes(12.34 * 2 ** 20), '12.3 MB');
  assert.equal(formatBytes(512 * 2 ** 20), '512 MB');
  assert.equal(formatConfidence(0.99999), '99.9%');
  assert.equal(formatConfidence(0.9934), '99.3%');
  assert.equal(formatDuration(3.8 * 3600), '3.8 h');
  assert.equal(formatUtc(Date.UTC(2025, 0, 6, 10, 42)), '10:42 UTC');
});
