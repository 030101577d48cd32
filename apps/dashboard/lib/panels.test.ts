import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterRate, panelsFor, seriesLabel, stack } from './panels';

test('panels follow what the instance sent, in a fixed order, and skip what it did not', () => {
  const node = ['process.memory.rss', 'nodejs.memory.heap_used', 'v8js.memory.heap.used_after_gc', 'nodejs.memory.external', 'v8js.memory.heap.space.used{space=old_space}',
    'v8js.memory.heap.space.used{space=new_space}', 'v8js.gc.pause.total{kind=major}', 'nodejs.eventloop.delay.p99', 'not.a.metric'];
  const panels = panelsFor(node);
  assert.deepEqual(panels.map((p) => p.id), ['memory', 'heap', 'breakdown', 'v8-spaces', 'gc-pauses', 'event-loop']);
  assert.deepEqual(panels.find((p) => p.id === 'v8-spaces')!.metrics, ['v8js.memory.heap.space.used{space=new_space}', 'v8js.memory.heap.space.used{space=old_space}']);
  assert.deepEqual(panelsFor([]), []);
  const py = panelsFor(['process.memory.breakdown{part=in_use}', 'process.memory.breakdown{part=free_pools}', 'process.open_fds{kind=socket}', 'cpython.gc.collections{generation=2}']);
  assert.deepEqual(py.map((p) => [p.id, p.stacked ?? false]), [['breakdown', true], ['gc-collections', false], ['resources', false]]);
});

test('labels name the attribute within one base, and the short name across bases', () => {
  const [spaces] = panelsFor(['v8js.memory.heap.space.used{space=old_space}']);
  assert.equal(seriesLabel('v8js.memory.heap.space.used{space=old_space}', spaces!), 'old_space');
  const [mem] = panelsFor(['process.memory.rss', 'container.memory.limit']);
  assert.equal(seriesLabel('container.memory.limit', mem!), 'memory.limit');
});

test('counters become rates, with a gap where the counter reset', () => {
  assert.deepEqual(counterRate([[0, 1], [1000, 3], [3000, 7], [4000, 2], [5000, 4]]), [[0, null], [1000, 2], [3000, 2], [4000, null], [5000, 2]]);
  assert.deepEqual(counterRate([[0, null], [1000, 5]]), [[0, null], [1000, null]]);
});

test('stacking sums the bands below, leaving gaps as gaps', () => {
  assert.deepEqual(stack([[1, 2, null], [10, 20, 30]]), [[1, 2, null], [11, 22, 30]]);
});
