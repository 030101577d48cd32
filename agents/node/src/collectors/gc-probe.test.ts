// The GC floor probe's scheduling on an injected clock and fed GC readings,
// and how it finds gc() (with fakes for V8's flags and the new context).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:perf_hooks';
import { GcObserver, type MajorGc } from './gc.ts';
import { GcProbe, loadAsyncMajorGc, pauseModelMs, readOldGenerationBytes, v8FlagsFrozen, type GcLoad } from './gc-probe.ts';

const MB = 2 ** 20;
const S = 1000;

function probeWith(settings: { interval: number; maxPause: number }, oldGeneration = 10 * MB) {
  const clock = { ms: 0 };
  const requests: number[] = [];
  let loads = 0;
  const heap = { oldGeneration };
  const load = (): GcLoad => {
    loads += 1;
    return { gc: () => requests.push(clock.ms) };
  };
  const probe = new GcProbe(settings, () => clock.ms, load, () => heap.oldGeneration);
  const major = (pauseMs: number, forced: boolean, usedAfter = heap.oldGeneration): MajorGc => ({ atMs: clock.ms, pauseMs, forced, usedAfter });
  return { probe, clock, requests, heap, major, loads: () => loads };
}

describe('gc probe scheduling', () => {
  test('due only once the interval passed with no major GC of any origin, the probe\'s own included', () => {
    const { probe, clock, requests, major } = probeWith({ interval: 180, maxPause: 0.05 });
    clock.ms = 179 * S;
    assert.equal(probe.tick(undefined, undefined).kind, 'not-due', 'the first probe comes one interval after the start');
    clock.ms = 100 * S;
    const natural = major(3, false);
    clock.ms = 180 * S;
    assert.equal(probe.tick(natural, undefined).kind, 'not-due', 'a natural major GC 80 s ago gave a floor');
    clock.ms = 280 * S;
    assert.equal(probe.tick(natural, undefined).kind, 'fired');
    assert.deepEqual(requests, [280 * S]);
    clock.ms = 285 * S;
    assert.equal(probe.tick(natural, undefined).kind, 'not-due', 'requested, its entry not seen yet: no second request');
    clock.ms = 281 * S;
    const ours = major(12, true);
    clock.ms = 460 * S;
    assert.equal(probe.tick(ours, ours).kind, 'not-due');
    clock.ms = 461 * S;
    assert.equal(probe.tick(ours, ours).kind, 'fired', '180 s after the probe\'s own GC');
    assert.deepEqual(requests, [280 * S, 461 * S]);
  });

  test('off at 0: never due, and gc() is never looked for', () => {
    const { probe, clock, loads } = probeWith({ interval: 0, maxPause: 0.05 });
    for (clock.ms = 0; clock.ms < 3600 * S; clock.ms += 10 * S) assert.equal(probe.tick(undefined, undefined).kind, 'not-due');
    assert.equal(loads(), 0);
  });

  test('gc() is looked for once, at the first probe', () => {
    const { probe, clock, requests, loads } = probeWith({ interval: 2, maxPause: 0.05 });
    assert.equal(loads(), 0, 'not at start: an agent whose host runs major GCs never creates the context');
    for (clock.ms = 0; clock.ms <= 10 * S; clock.ms += 100) probe.tick(undefined, undefined);
    assert.equal(requests.length, 5);
    assert.equal(loads(), 1);
  });

  test('a heap whose estimated pause is over the bound is not probed', () => {
    const { probe, clock, requests } = probeWith({ interval: 180, maxPause: 0.05 }, 500 * MB);
    clock.ms = 180 * S;
    const outcome = probe.tick(undefined, undefined);
    assert.equal(outcome.kind, 'over-bound');
    assert.ok(outcome.kind === 'over-bound' && Math.abs(outcome.estimateMs - pauseModelMs(500 * MB)) < 1e-9 && outcome.estimateMs > 500);
    assert.deepEqual(requests, []);
    clock.ms = 200 * S;
    assert.equal(probe.tick(undefined, undefined).kind, 'not-due', 'a skipped probe waits a full interval before it looks again');
  });

  test('backs off once forced GCs pause longer than the model says, not after one slow one, and resumes when the heap shrinks', () => {
    const { probe, clock, requests, heap, major } = probeWith({ interval: 180, maxPause: 0.05 }, 30 * MB);
    clock.ms = 180 * S;
    assert.equal(probe.tick(undefined, undefined).kind, 'fired', `estimated ${pauseModelMs(30 * MB).toFixed(0)} ms`);
    const slow = major(120, true); // three times what the model says for this heap
    clock.ms = 360 * S;
    assert.equal(probe.tick(slow, slow).kind, 'fired', 'one slow collection may be the machine\'s hiccup');
    const slowAgain = major(100, true);
    clock.ms = 540 * S;
    assert.equal(probe.tick(slowAgain, slowAgain).kind, 'over-bound', 'two of the last three were slow: the same heap would pause about 100 ms');
    clock.ms = 720 * S;
    assert.equal(probe.tick(slowAgain, slowAgain).kind, 'over-bound', 'and stays unprobed while it is as large');
    heap.oldGeneration = 5 * MB;
    clock.ms = 900 * S;
    const outcome = probe.tick(slowAgain, slowAgain);
    assert.equal(outcome.kind, 'fired', 'a 5 MB heap at that rate is within the bound');
    assert.ok(outcome.kind === 'fired' && Math.abs(outcome.estimateMs - (100 * pauseModelMs(5 * MB)) / pauseModelMs(30 * MB)) < 1e-9, 'scaled by the median ratio');
    assert.equal(requests.length, 3);
  });

  test('a host\'s own forced GCs teach the estimate too, and reset the interval', () => {
    const { probe, clock, requests, major } = probeWith({ interval: 180, maxPause: 0.05 }, 30 * MB);
    clock.ms = 10 * S;
    const first = major(200, true);
    probe.tick(first, first);
    clock.ms = 170 * S;
    const hosts = major(200, true);
    clock.ms = 349 * S;
    assert.equal(probe.tick(hosts, hosts).kind, 'not-due');
    clock.ms = 350 * S;
    assert.equal(probe.tick(hosts, hosts).kind, 'over-bound');
    assert.deepEqual(requests, []);
  });

  test('a runtime without gc() turns the probe off after saying so once', () => {
    const clock = { ms: 0 };
    const probe = new GcProbe({ interval: 1, maxPause: 0.05 }, () => clock.ms, () => ({ unavailable: 'frozen', level: 'info' }), () => MB);
    clock.ms = 1000;
    assert.deepEqual(probe.tick(undefined, undefined), { kind: 'unavailable', reason: 'frozen', level: 'info' });
    clock.ms = 5000;
    assert.equal(probe.tick(undefined, undefined).kind, 'not-due');
    const throwing = new GcProbe({ interval: 1, maxPause: 0.05 }, () => clock.ms, () => ({ gc: () => { throw new TypeError('nope'); } }), () => MB);
    clock.ms = 10_000;
    assert.equal(throwing.tick(undefined, undefined).kind, 'unavailable');
  });
});

describe('gc probe: finding gc()', () => {
  const fakeGc = () => {
    const calls: unknown[] = [];
    const fn = (options: unknown) => (calls.push(options), Promise.resolve());
    return { fn, calls };
  };

  test('exposed for one new context only: the flag is set, then cleared at once', () => {
    const flags: string[] = [];
    const { fn, calls } = fakeGc();
    const loaded = loadAsyncMajorGc({ globalGc: undefined, execArgv: [], versions: {}, setFlags: (f) => flags.push(f), newContextGc: () => (flags.push('context'), fn) });
    assert.deepEqual(flags, ['--expose-gc', 'context', '--no-expose-gc']);
    assert.ok('gc' in loaded);
    loaded.gc();
    assert.deepEqual(calls, [{ type: 'major', execution: 'async' }]);
  });

  test('the host\'s own gc (--expose-gc) is used as it is', () => {
    const { fn, calls } = fakeGc();
    const loaded = loadAsyncMajorGc({ globalGc: fn, execArgv: ['--expose-gc'], versions: {}, setFlags: () => assert.fail('no flag touched'), newContextGc: () => assert.fail('no context') });
    assert.ok('gc' in loaded);
    loaded.gc();
    assert.equal(calls.length, 1);
  });

  test('frozen flags are never touched (setting one aborts the process); a failure is reported, not thrown', () => {
    const untouchable = () => assert.fail('setFlagsFromString would abort');
    assert.deepEqual(loadAsyncMajorGc({ execArgv: ['--freeze-flags-after-init'], versions: {}, globalGc: undefined, setFlags: untouchable }),
      { unavailable: 'V8 flags are frozen in this runtime, so gc() cannot be exposed', level: 'info' });
    const throwing = loadAsyncMajorGc({ execArgv: [], versions: {}, globalGc: undefined, setFlags: () => { throw new Error('hardened'); } });
    assert.ok('unavailable' in throwing && throwing.level === 'warning' && /hardened/.test(throwing.unavailable));
    const flags: string[] = [];
    const missing = loadAsyncMajorGc({ execArgv: [], versions: {}, globalGc: undefined, setFlags: (f) => flags.push(f), newContextGc: () => { throw new ReferenceError('gc is not defined'); } });
    assert.ok('unavailable' in missing);
    assert.deepEqual(flags, ['--expose-gc', '--no-expose-gc'], 'cleared even when the context failed');
  });

  test('frozen flags: the command line\'s last word, and embedders that freeze them', () => {
    assert.equal(v8FlagsFrozen([], {}), false);
    assert.equal(v8FlagsFrozen(['--freeze_flags_after_init'], {}), true);
    assert.equal(v8FlagsFrozen(['--freeze-flags-after-init', '--no-freeze-flags-after-init'], {}), false);
    assert.equal(v8FlagsFrozen([], { electron: '30.0.0' }), true);
  });
});

test('gc observer: the latest major GC and the latest forced one, on its clock', () => {
  let now = 0;
  let used = 50 * MB;
  const gc = new GcObserver(() => now, () => used);
  const entry = (kind: number, duration: number, flags = 0) => ({ detail: { kind, flags }, duration }) as never;
  const MAJOR = constants.NODE_PERFORMANCE_GC_MAJOR;
  now = 10;
  gc.record([entry(MAJOR, 30, constants.NODE_PERFORMANCE_GC_FLAGS_FORCED)]);
  used = 40 * MB;
  now = 20;
  gc.record([entry(constants.NODE_PERFORMANCE_GC_MINOR, 1), entry(MAJOR, 4, 64)]);
  assert.deepEqual(gc.lastMajor, { atMs: 20, pauseMs: 4, forced: false, usedAfter: 40 * MB });
  assert.deepEqual(gc.lastForced, { atMs: 10, pauseMs: 30, forced: true, usedAfter: 50 * MB });
  now = 30;
  gc.record([entry(constants.NODE_PERFORMANCE_GC_MINOR, 1)]);
  assert.equal(gc.lastMajor?.atMs, 20, 'a scavenge is not a major GC');
});

test('old generation: every space but the young one', () => {
  const space = (space_name: string, space_used_size: number) => ({ space_name, space_used_size, space_size: 0, space_available_size: 0, physical_space_size: 0 });
  assert.equal(readOldGenerationBytes(() => [space('new_space', 8), space('old_space', 100), space('code_space', 10), space('large_object_space', 50), space('new_large_object_space', 5)]), 160);
});
