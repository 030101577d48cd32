import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, finalVerdict, findings, HOUR, MB, MINUTE, noise, programEvaluations, quietService, type SampleAt } from './sample-series';
import type { Finding } from './types';

interface Python {
  /** pymalloc utilisation at t: used / arena bytes. */
  utilization: (t: number) => number;
  arena?: number;
  rss?: (t: number) => number;
  glibcFree?: number;
  glibcArena?: number;
}

/** The Python agent's allocator readings: pymalloc's once a minute, malloc's and RSS every tick. */
function python(o: Python): SampleAt {
  const r = noise(5);
  const arena = o.arena ?? 200 * MB;
  return (t) => {
    const out: Record<string, number> = {
      'process.memory.rss_anon': (o.rss?.(t) ?? 300 * MB) + r() * 0.2 * MB,
      'glibc.malloc.free': o.glibcFree ?? 3 * MB,
      'glibc.malloc.arena': o.glibcArena ?? 30 * MB,
      'glibc.malloc.fragmentation': (o.glibcFree ?? 3 * MB) / (o.glibcArena ?? 30 * MB),
    };
    if (t % 60_000 === 0) {
      const u = o.utilization(t);
      Object.assign(out, { 'cpython.pymalloc.utilization': u, 'cpython.pymalloc.arena_bytes': arena, 'cpython.pymalloc.used_bytes': u * arena });
    }
    return out;
  };
}

const o = { durationMs: 40 * MINUTE, startedAtMs: -HOUR };
const half = () => 0.5;

test('Python: utilisation halved and staying there, RSS large and flat, is pymalloc fragmentation', () => {
  const f = finalVerdict(evaluate('fragmentation', python({ utilization: half }), o)) as Finding;
  assert.ok(f);
  assert.equal(f.evidence.where, 'allocator');
  assert.equal(f.metric, 'cpython.pymalloc.utilization');
  assert.ok(Math.abs(f.value - 0.5) < 0.01, `ratio ${f.value}`);
  assert.ok(Math.abs(f.evidence.level! / MB - 100) < 1, `wasted ${f.evidence.level! / MB} MB`);
  assert.match(f.evidence.nextStep, /long-lived and short-lived objects/);
  assert.match(f.summary, /^pymalloc arenas hold 100 MB unused \(50% or more for 15 min\) while RSS stays at 300 MB$/);
});

test("a healthy sawtooth's peaks use the memory well: the ratio dips, no finding", () => {
  // Utilisation climbs from 0.5 to 0.95 as garbage fills the arenas, then a collection empties them.
  const sawtooth = (t: number) => 0.5 + 0.45 * ((t % (6 * MINUTE)) / (6 * MINUTE));
  assert.equal(finalVerdict(evaluate('fragmentation', python({ utilization: sawtooth }), o)), null);
});

test('small processes, little waste, and rising RSS are not fragmentation alerts', () => {
  assert.equal(finalVerdict(evaluate('fragmentation', python({ utilization: half, rss: () => 40 * MB }), o)), null, 'RSS under minRssBytes');
  assert.equal(finalVerdict(evaluate('fragmentation', python({ utilization: half, arena: 40 * MB }), o)), null, 'waste under minWastedBytes');
  assert.equal(finalVerdict(evaluate('fragmentation', python({ utilization: half, rss: (t) => 300 * MB + (t * 200 * MB) / HOUR }), o)), null, 'RSS rising: a leak');
});

test('glibc holding most of its arena free is named with its remedy', () => {
  const f = finalVerdict(evaluate('fragmentation', python({ utilization: () => 0.9, glibcFree: 120 * MB, glibcArena: 200 * MB }), o)) as Finding;
  assert.equal(f.metric, 'glibc.malloc.fragmentation');
  assert.match(f.evidence.nextStep, /malloc_trim|MALLOC_ARENA_MAX|jemalloc/);
  assert.ok(Math.abs(f.evidence.level! / MB - 120) < 1);
});

test("V8: old space keeping its pages after a peak, while RSS is flat, is reported as V8's", () => {
  const r = noise(9);
  const node: SampleAt = (t) => ({
    'process.memory.rss': 420 * MB + r() * MB,
    'nodejs.memory.heap_total': 350 * MB,
    'v8js.memory.heap.space.size{space=old}': 300 * MB,
    'v8js.memory.heap.fragmentation{space=old}': 0.55 + r() * 0.05,
    'v8js.memory.heap.fragmentation{space=all}': 0.5 + r() * 0.05,
  });
  const f = finalVerdict(evaluate('fragmentation', node, { ...o, runtime: 'node' })) as Finding;
  assert.equal(f.metric, 'v8js.memory.heap.fragmentation{space=old}');
  assert.match(f.evidence.nextStep, /heap snapshot/);
  // A healthy Node sawtooth fills old space before each major GC: never fragmentation.
  assert.equal(findings(programEvaluations('fragmentation', quietService('node', 256 * MB)).evals).length, 0);
});

test('the synthetic Python program that frees every other object raises fragmentation, once it has stayed', () => {
  const { evals, sim } = programEvaluations('fragmentation', quietService('cpython', 64 * MB, { sawtooth: { amplitude: 0.05, periodMs: 2 * MINUTE }, fragmentation: { atMs: 20 * MINUTE, fraction: 6 } }));
  assert.equal(findings(evals).filter((e) => e.t < 20 * MINUTE).length, 0);
  assert.ok(sim.alerts.some((a) => a.firedAtMs !== null), 'it fires after its `for`');
});

test('cannot tell with less than minSpan of data', () => {
  assert.equal(finalVerdict(evaluate('fragmentation', python({ utilization: half }), { durationMs: 10 * MINUTE, startedAtMs: -HOUR })), undefined);
});
