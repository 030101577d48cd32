import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, finalVerdict, findings, HOUR, MINUTE, noise, programEvaluations, quietService, type SampleAt } from './sample-series';
import type { Finding } from './types';

const o = { durationMs: 20 * MINUTE, startedAtMs: -HOUR };

/** CPython's collector readings every tick: counters are cumulative. */
function pythonGc(o: { enabled?: boolean; count0?: (t: number) => number; pausePerSecond?: number; fullPerMinute?: number; garbagePerHour?: number }): SampleAt {
  const r = noise(4);
  return (t) => ({
    'cpython.gc.enabled': o.enabled === false ? 0 : 1,
    'cpython.gc.count{generation=0}': o.count0 ? o.count0(t) : Math.floor(r() * 700),
    'cpython.gc.collections{generation=2}': Math.floor(((o.fullPerMinute ?? 0.2) * t) / 60_000),
    'cpython.gc.pause.total{generation=0}': ((o.pausePerSecond ?? 0.003) * t) / 1000,
    'cpython.gc.pause.total{generation=2}': 0.1,
    'cpython.gc.uncollectable_objects{generation=2}': Math.floor(((o.garbagePerHour ?? 0) * t) / HOUR),
    'cpython.gc.garbage': Math.floor(((o.garbagePerHour ?? 0) * t) / HOUR),
  });
}

test('automatic GC disabled while tracked containers pile up', () => {
  const f = finalVerdict(evaluate('gc', pythonGc({ enabled: false, count0: (t) => 5000 + Math.floor(t / 20) }), o)) as Finding;
  assert.equal(f.metric, 'cpython.gc.count{generation=0}');
  assert.equal(f.evidence.where, 'gc');
  assert.ok(f.value >= 10_000);
  assert.match(f.evidence.nextStep, /gc\.enable\(\)/);
  // Disabled, but collected by hand (count resets): nothing piles up.
  assert.equal(finalVerdict(evaluate('gc', pythonGc({ enabled: false, count0: (t) => 20_000 * ((t % 120_000) / 120_000) }), o)), null);
  // Enabled with a big count: the collector is doing its job.
  assert.equal(finalVerdict(evaluate('gc', pythonGc({ count0: (t) => 5000 + Math.floor(t / 20) }), o)), null);
});

test('pause time above its share of wall time, sustained, for both runtimes', () => {
  const py = finalVerdict(evaluate('gc', pythonGc({ pausePerSecond: 0.25 }), o)) as Finding;
  assert.equal(py.metric, 'cpython.gc.pause.total');
  assert.ok(Math.abs(py.value - 0.25) < 0.02);
  assert.match(py.summary, /^GC pauses take 25% of wall time/);
  const { evals } = programEvaluations('gc', quietService('node', 128 * 2 ** 20, { durationMs: 30 * MINUTE, gc: { pauseFraction: 0.3 } }));
  assert.equal((evals[evals.length - 1]!.verdict as Finding).metric, 'v8js.gc.time_fraction');
  assert.equal(finalVerdict(evaluate('gc', pythonGc({ pausePerSecond: 0.05 }), o)), null, 'under the limit');
});

test('storms of full collections; the agent probe (one major per 3 min) is no storm', () => {
  const py = finalVerdict(evaluate('gc', pythonGc({ fullPerMinute: 12 }), o)) as Finding;
  assert.equal(py.metric, 'cpython.gc.collections{generation=2}');
  assert.ok(Math.abs(py.value - 12) < 1);
  const node = programEvaluations('gc', quietService('node', 128 * 2 ** 20, { durationMs: 30 * MINUTE, gc: { fullPerMinute: 10 } })).evals;
  assert.equal((node[node.length - 1]!.verdict as Finding).metric, 'v8js.gc.pause.count{kind=major}');
  const quiet = programEvaluations('gc', quietService('node', 128 * 2 ** 20, { durationMs: HOUR, sawtooth: { amplitude: 0.5, periodMs: 30 * MINUTE } })).evals;
  assert.equal(findings(quiet).length, 0, 'probe-paced majors');
});

test('uncollectable objects still accumulating', () => {
  const f = finalVerdict(evaluate('gc', pythonGc({ garbagePerHour: 60 }), o)) as Finding;
  assert.match(f.metric, /^cpython\.gc\.(uncollectable_objects|garbage)$/);
  assert.match(f.evidence.nextStep, /gc\.garbage/);
  // One burst long ago: the count is high but no longer growing.
  assert.equal(finalVerdict(evaluate('gc', (t) => ({ ...pythonGc({})(t)!, 'cpython.gc.garbage': 40, 'cpython.gc.uncollectable_objects{generation=2}': 40 }), o)), null);
});

test('healthy collectors are clear; too little data cannot tell', () => {
  for (const runtime of ['cpython', 'node'] as const) assert.equal(findings(programEvaluations('gc', quietService(runtime, 128 * 2 ** 20, { durationMs: HOUR })).evals).length, 0);
  assert.equal(finalVerdict(evaluate('gc', pythonGc({ pausePerSecond: 0.5 }), { durationMs: MINUTE, startedAtMs: 0 })), undefined);
});
