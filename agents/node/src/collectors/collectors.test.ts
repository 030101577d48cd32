// Each collector on committed fixtures: the /proc and cgroup trees are the
// Python agent's (one kernel format, one set of fixtures); V8, GC and
// profiler readings are fed as plain data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { readCgroupMemory } from './cgroup.ts';
import { GcObserver } from './gc.ts';
import { aggregateProfile } from './heap-profile.ts';
import { countOpenFds, readMaxFds, readOpenFds, readSmapsRollup, readStartTime, readStatus } from './proc.ts';
import { readActiveResources } from './resources.ts';
import { readV8Heap } from './v8-heap.ts';
import { EventLoopMonitor } from './event-loop.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../python/memsight/collectors/fixtures');
const PROC = path.join(FIXTURES, 'proc');

test('proc: status, smaps_rollup, fds, limits and start time from fixtures', () => {
  const status = readStatus(PROC, '4242');
  assert.equal(status.peak_rss, 13596 * 1024);
  assert.equal(status.swap, 0);
  assert.equal(status.threads, 4);
  assert.equal(status.vms, 16564 * 1024);
  assert.equal(status.rss_anon! + status.rss_file!, (6876 + 6720) * 1024);
  assert.deepEqual(readSmapsRollup(PROC, '4242'), { pss: 11512 * 1024, uss: (4312 + 6876) * 1024 });
  assert.deepEqual(readOpenFds(PROC, '4242'), { file: 2, socket: 2, pipe: 2, other: 2 });
  assert.equal(countOpenFds(PROC, '4242'), 8);
  assert.equal(readMaxFds(PROC, '4242'), 20000);
  assert.equal(readStartTime(PROC, '4242'), 1795604493 + 5795.01);
});

test('proc: a missing process is empty, never an error', () => {
  for (const read of [readStatus, readSmapsRollup, readOpenFds]) assert.deepEqual(read(PROC, '999999'), {}, read.name);
  for (const read of [countOpenFds, readMaxFds, readStartTime]) assert.equal(read(PROC, '999999'), undefined, read.name);
});

test('proc: this process, live', () => {
  // The test runner opens and closes files of its own meanwhile: a quiet attempt of a few shows the +1.
  const deltas: number[] = [];
  for (let attempt = 0; attempt < 5 && deltas.at(-1) !== 1; attempt++) {
    const before = readOpenFds().file ?? 0;
    const fd = openSync(import.meta.filename, 'r');
    try {
      deltas.push((readOpenFds().file ?? 0) - before);
    } finally {
      closeSync(fd);
    }
  }
  assert.equal(deltas.at(-1), 1, `an open file shows as one more file fd (deltas ${deltas.join(', ')})`);
  assert.ok(readStatus().rss! > 10 * 2 ** 20);
  const started = readStartTime()!;
  assert.ok(Math.abs(started * 1000 - (Date.now() - process.uptime() * 1000)) < 2000, 'the start time agrees with process.uptime()');
});

test('cgroup: v2 usage, limit and OOM kills; v1 unlimited has no limit; none is empty', () => {
  assert.deepEqual(readCgroupMemory(PROC, '4242', path.join(FIXTURES, 'cgroup-v2')), { usage: 268435456, limit: 536870912, oomKills: 2 });
  assert.deepEqual(readCgroupMemory(PROC, '5151', path.join(FIXTURES, 'cgroup-v1')), { usage: 104857600, oomKills: 1 });
  assert.deepEqual(readCgroupMemory(PROC, '999999', FIXTURES), {});
});

test('v8 heap: totals, per-space figures and fragmentation', () => {
  const heap = () => ({ heap_size_limit: 4e9, malloced_memory: 1e5, number_of_native_contexts: 3, number_of_detached_contexts: 1 }) as never;
  const spaces = () => [
    { space_name: 'old_space', space_size: 1000, space_used_size: 250, space_available_size: 700, physical_space_size: 900 },
    { space_name: 'new_space', space_size: 0, space_used_size: 0, space_available_size: 0, physical_space_size: 0 },
  ];
  const m = readV8Heap(heap, spaces);
  assert.equal(m['v8js.contexts.detached'], 1);
  assert.equal(m['v8js.memory.heap.space.used{space=old}'], 250);
  assert.equal(m['v8js.memory.heap.fragmentation{space=old}'], 0.75);
  assert.equal(m['v8js.memory.heap.fragmentation{space=new}'], undefined, 'an empty space has no ratio');
  assert.equal(m['v8js.memory.heap.fragmentation{space=all}'], 0.75);
});

test('gc: pauses by kind, the floor after major GCs, and the time fraction', () => {
  let now = 0;
  let used = 50e6;
  const gc = new GcObserver(() => now, () => used);
  const entry = (kind: number, duration: number) => ({ detail: { kind }, duration }) as never;
  gc.record([entry(1, 2), entry(1, 4), entry(4, 10)]);
  used = 40e6;
  gc.record([entry(4, 20)]);
  now = 1000;
  const first = gc.take();
  assert.deepEqual(first.pauses.minor, { count: 2, total: 0.006, max: 0.004 });
  assert.deepEqual(first.pauses.major, { count: 2, total: 0.03, max: 0.02 });
  assert.equal(first.usedAfterGc, 40e6, 'the lowest heap seen after a major GC');
  assert.equal(first.timeFraction, 36 / 1000);
  gc.record([entry(1, 1)]);
  now = 2000;
  const second = gc.take();
  assert.deepEqual(second.pauses.minor, { count: 3, total: 0.007, max: 0.001 }, 'count and total accumulate; max is per interval');
  assert.equal(second.pauses.major!.max, 0);
  assert.equal(second.usedAfterGc, undefined, 'no major GC, no floor');
});

test('heap profile: samples summed by allocating function, with its call path', () => {
  const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });
  const head = {
    callFrame: frame('(root)', '', -1), selfSize: 0,
    children: [
      { callFrame: frame('handle', 'file:///app/server.js', 9), selfSize: 65536, children: [
        { callFrame: frame('leak', 'file:///app/cache.js', 41), selfSize: 3 * 65536, children: [] },
      ] },
      { callFrame: frame('leak', 'file:///app/cache.js', 41), selfSize: 65536, children: [] },
    ],
  };
  const sites = aggregateProfile(head, 65536);
  assert.deepEqual(sites.get('/app/cache.js:42'), {
    site: '/app/cache.js:42', sizeBytes: 4 * 65536, count: 4, traceback: ['leak /app/cache.js:42', 'handle /app/server.js:10', '(root) :0'],
  });
  assert.equal(sites.get('/app/server.js:10')!.sizeBytes, 65536);
});

test('resources and the event loop, live', async () => {
  const m = readActiveResources(() => ['Timeout', 'Timeout', 'TCPSocketWrap', 'weird type!']);
  assert.deepEqual(m, { 'nodejs.active_resources{type=Timeout}': 2, 'nodejs.active_resources{type=TCPSocketWrap}': 1, 'nodejs.active_resources{type=weird_type_}': 1 });
  const loop = new EventLoopMonitor(10);
  loop.install();
  const until = Date.now() + 120;
  await new Promise((r) => setTimeout(r, 50));
  while (Date.now() < until); // block the loop
  await new Promise((r) => setTimeout(r, 50));
  const reading = loop.take();
  loop.uninstall();
  assert.ok(reading['nodejs.eventloop.delay.max']! >= 0.05, `a 70 ms block shows as delay: ${JSON.stringify(reading)}`);
  assert.ok(reading['nodejs.eventloop.utilization']! > 0.2);
});
