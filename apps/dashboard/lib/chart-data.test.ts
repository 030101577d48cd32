import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatValue, panelChart } from './chart-data';
import { panelsFor } from './panels';

test('a panel aligns its series on one time axis, with counters as rates', () => {
  const [pauses] = panelsFor(['v8js.gc.pause.total{kind=major}', 'v8js.gc.pause.total{kind=minor}']);
  const chart = panelChart(pauses!, {
    'v8js.gc.pause.total{kind=major}': [[0, 0], [10_000, 0.5]],
    'v8js.gc.pause.total{kind=minor}': [[5_000, 1], [10_000, 1.1]],
  });
  assert.deepEqual(chart.x, [0, 5, 10]);
  assert.deepEqual(chart.series.map((s) => s.label), ['major', 'minor']);
  assert.deepEqual(chart.series[0]!.values, [null, null, 0.05]);
  assert.deepEqual(chart.series[1]!.values.map((v) => v && Math.round(v * 1000) / 1000), [null, null, 0.02]);
});

test('values are formatted by the panel unit', () => {
  assert.equal(formatValue('bytes', 3 * 1024 * 1024), '3.0 MiB');
  assert.equal(formatValue('seconds', 0.0021), '2.1 ms');
  assert.equal(formatValue('ratio', 0.523), '52.3 %');
  assert.equal(formatValue('count', 2500), '2.5k');
  assert.equal(formatValue('per-second', null), '–');
});
