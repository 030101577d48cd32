import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, findings, HOUR, MB, MINUTE, noise, programEvaluations, quietService, T0, type Evaluation } from './sample-series';
import type { Simulation } from './simulate';
import type { Finding } from './types';

const firstFinding = (evals: Evaluation[], fromMs = 0): Evaluation | undefined => findings(evals, fromMs)[0];
const ev = (e: Evaluation | undefined): Finding['evidence'] => (e!.verdict as Finding).evidence;
const near = (actual: number, expected: number, share: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= share * expected, `${what}: ${actual.toFixed(1)} not within ${share * 100}% of ${expected}`);

test('Node: a big sawtooth over a flat floor after GC is never a leak', () => {
  const { evals } = programEvaluations('leak', quietService('node', 256 * MB, { sawtooth: { amplitude: 1, periodMs: 1 * MINUTE } }));
  assert.equal(findings(evals).length, 0, findings(evals).map((e) => (e.verdict as Finding).summary).join('\n'));
  assert.ok(evals.some((e) => e.verdict === null), 'it is judged: the floor is flat');
});

test('Node: a slow heap leak mid-run fires on the floor after GC, with its rate and when it began', () => {
  const leakAt = 60 * MINUTE;
  const { evals } = programEvaluations('leak', quietService('node', 128 * MB, { leak: { atMs: leakAt, bytesPerHour: 20 * MB, kind: 'heap' } }));
  assert.equal(findings(evals).filter((e) => e.t < leakAt).length, 0, 'nothing before the leak');
  const hit = firstFinding(evals, leakAt);
  assert.ok(hit && hit.t - leakAt <= 25 * MINUTE, `found ${hit ? (hit.t - leakAt) / MINUTE : 'never'} min after it began`);
  const last = ev(evals[evals.length - 1]);
  assert.equal(last.where, 'heap');
  assert.equal(last.metric, 'v8js.memory.heap.used_after_gc');
  near(last.rateBytesPerHour! / MB, 20, 0.25, 'rate MB/h');
  assert.ok(Math.abs(Date.parse(last.growthStartedAt!) - (T0 + leakAt)) <= 12 * MINUTE, `growth started ${last.growthStartedAt}`);
  assert.ok(last.confidence! >= 0.99);
  assert.match(last.nextStep, /MEMSIGHT_HEAP_SAMPLING/);
  assert.ok(last.series!.t.length > 8 && last.series!.t.length <= 60, 'series for the chart');
  assert.ok(last.trend && last.trend.slopePerMs > 0, 'trend line for the chart');
  assert.ok('nodejs.memory.external per hour' in last.signals!, 'the other floors are weighed too');
  assert.match((evals[evals.length - 1]!.verdict as Finding).summary, /^heap floor grows 2\d\.\d MB\/h \(used_after_gc, 99\.9% confidence\) since \d\d:\d\d UTC$/);
});

test('a fast leak fires within minutes of its start', () => {
  for (const runtime of ['node', 'cpython'] as const) {
    const leakAt = 60 * MINUTE;
    const { evals } = programEvaluations('leak', quietService(runtime, 128 * MB, { durationMs: 90 * MINUTE, leak: { atMs: leakAt, bytesPerHour: 1000 * MB, kind: 'heap' } }));
    const hit = firstFinding(evals, leakAt);
    assert.ok(hit && hit.t - leakAt <= 12 * MINUTE, `${runtime}: found ${hit ? (hit.t - leakAt) / MINUTE : 'never'} min after it began`);
    near(ev(evals[evals.length - 1]).rateBytesPerHour! / MB, 1000, 0.3, `${runtime} rate`);
  }
});

test('Python: a heap leak is placed in the heap with its whole rate; a C extension leak is native', () => {
  const heap = programEvaluations('leak', quietService('cpython', 128 * MB, { leak: { atMs: 40 * MINUTE, bytesPerHour: 50 * MB, kind: 'heap' } })).evals;
  const h = ev(heap[heap.length - 1]);
  assert.equal(h.where, 'heap');
  near(h.rateBytesPerHour! / MB, 50, 0.3, 'heap rate');
  assert.match(h.nextStep, /MEMSIGHT_TRACEMALLOC=1/);

  const native = programEvaluations('leak', quietService('cpython', 128 * MB, { leak: { atMs: 40 * MINUTE, bytesPerHour: 30 * MB, kind: 'native' } })).evals;
  const n = ev(native[native.length - 1]);
  assert.equal(n.where, 'native');
  assert.equal(n.metric, 'glibc.malloc.in_use');
  near(n.rateBytesPerHour! / MB, 30, 0.25, 'native rate');
});

test('Python with tracemalloc on: the heap leak is found and the next step reads the snapshots', () => {
  const { evals } = programEvaluations('leak', quietService('cpython', 128 * MB, { tracemalloc: true, leak: { atMs: 40 * MINUTE, bytesPerHour: 40 * MB, kind: 'heap' } }));
  const last = ev(evals[evals.length - 1]);
  assert.equal(last.where, 'heap');
  assert.match(last.nextStep, /tracemalloc snapshots/);
});

test('Python: a big slow sawtooth of cyclic garbage is not a leak', () => {
  const { evals } = programEvaluations('leak', quietService('cpython', 256 * MB, { sawtooth: { amplitude: 0.3, periodMs: 6 * MINUTE } }));
  assert.equal(findings(evals).length, 0, findings(evals).map((e) => (e.verdict as Finding).summary).join('\n'));
});

const firedSummaries = (sim: Simulation) => sim.alerts.filter((a) => a.firedAtMs !== null).map((a) => a.fired!.summary);

test('a cache filling at start, and a deploy step mid-run, are steps, not leaks', () => {
  for (const runtime of ['node', 'cpython'] as const) {
    // A fill's last minutes can look like growth for a round or two: never for the rule's `for`.
    const warm = programEvaluations('leak', quietService(runtime, 200 * MB, { warmup: { fraction: 0.8, tauMs: 3 * MINUTE } }));
    assert.deepEqual(firedSummaries(warm.sim), [], `${runtime} warm-up`);
    assert.equal(findings(warm.evals, 40 * MINUTE).length, 0, `${runtime} warm-up, once filled`);
    const deploy = programEvaluations('leak', quietService(runtime, 200 * MB, { steps: [{ atMs: 60 * MINUTE, fraction: 0.4, overMs: 1 * MINUTE }, { atMs: 110 * MINUTE, fraction: 0.2, overMs: 2 * MINUTE }] })).evals;
    assert.equal(findings(deploy).length, 0, `${runtime} deploy: ${findings(deploy).map((e) => (e.verdict as Finding).summary)}`);
  }
});

test('a leak that stops clears within minutes, and stays clear', () => {
  for (const runtime of ['node', 'cpython'] as const) {
    const stop = 90 * MINUTE;
    const { evals, sim } = programEvaluations('leak', quietService(runtime, 128 * MB, { durationMs: 150 * MINUTE, leak: { atMs: 30 * MINUTE, stopAtMs: stop, bytesPerHour: 50 * MB, kind: 'heap' } }));
    assert.ok(findings(evals, 60 * MINUTE).some((e) => e.t < stop), `${runtime}: found while it grew`);
    const late = findings(evals, stop + 15 * MINUTE);
    assert.equal(late.length, 0, `${runtime}: still a finding ${late.length ? (late[0]!.t - stop) / MINUTE : 0} min after it stopped`);
    const alert = sim.alerts.find((a) => a.firedAtMs !== null);
    assert.ok(alert && alert.resolvedAtMs! - T0 <= stop + 25 * MINUTE, `${runtime}: the alert resolved ${alert ? (alert.resolvedAtMs! - T0 - stop) / MINUTE : '-'} min after the stop`);
  }
});

test('a young process is not judged during its warm-up and before minSpan of data', () => {
  const evals = programEvaluations('leak', quietService('node', 64 * MB, { durationMs: 40 * MINUTE, leak: { atMs: 0, bytesPerHour: 200 * MB, kind: 'heap' } })).evals;
  assert.ok(evals.filter((e) => e.t < 17 * MINUTE).every((e) => e.verdict === undefined), 'cannot tell yet');
  assert.ok(firstFinding(evals), 'then the leak is found');
});

test('restarts: each fresh process starts its own warm-up, and a restart never looks like growth', () => {
  const { evals, sim } = programEvaluations('leak', quietService('cpython', 128 * MB, { restartEveryMs: 35 * MINUTE, warmup: { fraction: 0.5, tauMs: 2 * MINUTE } }));
  assert.deepEqual(firedSummaries(sim), []);
  assert.equal(sim.alerts.length, new Set(sim.alerts.map((a) => a.instanceId)).size, 'at most one brief pending alert per process');
  const afterRestart = evals.filter((e) => e.t % (35 * MINUTE) < 3 * MINUTE && e.t > 35 * MINUTE);
  assert.ok(afterRestart.length > 0 && afterRestart.every((e) => e.verdict === undefined), 'undefined right after each restart');
});

test('gaps: no samples for 20 minutes is "cannot tell", never growth; a leak across a gap is still found', () => {
  const healthy = programEvaluations('leak', quietService('node', 128 * MB, { gaps: [{ fromMs: 60 * MINUTE, toMs: 80 * MINUTE }] })).evals;
  assert.equal(findings(healthy).length, 0);
  assert.equal(healthy.find((e) => e.t === 75 * MINUTE)?.verdict, undefined, 'stale data tells nothing');
  const leaky = programEvaluations('leak', quietService('node', 128 * MB, { gaps: [{ fromMs: 60 * MINUTE, toMs: 80 * MINUTE }], leak: { atMs: 50 * MINUTE, bytesPerHour: 40 * MB, kind: 'heap' } })).evals;
  assert.ok(firstFinding(leaky, 80 * MINUTE), 'found after the gap');
});

test('Node: no major GC for 30 minutes, then probe points: no false growth, and a leak under it is found', () => {
  // Natural majors every 30 min and no probe until 70 min (an older agent), then the probe's points every 3 min.
  const base = { sawtooth: { amplitude: 0.6, periodMs: 30 * MINUTE }, probe: false };
  const quiet = programEvaluations('leak', quietService('node', 128 * MB, { ...base, durationMs: 70 * MINUTE })).evals;
  assert.equal(findings(quiet).length, 0);
  const probed = programEvaluations('leak', quietService('node', 128 * MB, { sawtooth: { amplitude: 0.6, periodMs: 30 * MINUTE }, leak: { atMs: 60 * MINUTE, bytesPerHour: 40 * MB, kind: 'heap' } })).evals;
  const hit = firstFinding(probed, 60 * MINUTE);
  assert.ok(hit && hit.t - 60 * MINUTE <= 30 * MINUTE, 'found on the probe floor');
});

test('vm contexts that only grow are a context leak, with their count rate', () => {
  const { evals } = programEvaluations('leak', quietService('node', 128 * MB, { leak: { atMs: 40 * MINUTE, bytesPerHour: 20 * MB, kind: 'contexts' } }));
  const last = evals[evals.length - 1]!.verdict as Finding;
  assert.equal(last.evidence.where, 'contexts');
  assert.equal(last.metric, 'v8js.contexts.native');
  near(last.evidence.ratePerHour!, 20, 0.3, 'contexts per hour');
  assert.match(last.summary, /^vm contexts grow/);
  assert.match(last.evidence.nextStep, /context/);
});

test('Node: Buffers growing while the heap is flat are native memory', () => {
  const { evals } = programEvaluations('leak', quietService('node', 128 * MB, { leak: { atMs: 40 * MINUTE, bytesPerHour: 30 * MB, kind: 'native' } }));
  const last = ev(evals[evals.length - 1]);
  assert.equal(last.where, 'native');
  assert.match(last.metric!, /^nodejs\.memory\.(external|array_buffers)$/);
  near(last.rateBytesPerHour! / MB, 30, 0.25, 'rate');
  assert.match(last.nextStep, /Buffers/);
});

test('Python: freeing half the objects (fragmentation) never raises a leak', () => {
  const { evals } = programEvaluations('leak', quietService('cpython', 64 * MB, { fragmentation: { atMs: 40 * MINUTE, fraction: 6 } }));
  assert.equal(findings(evals).length, 0, findings(evals).map((e) => (e.verdict as Finding).summary).join('\n'));
});

// Hand-built Python readings: live memory flat, RSS creeping as an allocator fragments.
function pythonReadings(o: { rssPerHour: number; blocksPerHour?: number; live: boolean }) {
  const r = noise(3);
  return (t: number) => {
    const h = t / HOUR;
    const out: Record<string, number> = {
      'process.memory.rss_anon': 120 * MB + o.rssPerHour * h + r() * 0.3 * MB,
      'cpython.pymalloc.allocated_blocks': 1_500_000 * (1 + (o.blocksPerHour ?? 0) * h) + r() * 2000,
      'cpython.gc.collections{generation=2}': Math.floor(t / 60_000),
    };
    if (o.live) {
      Object.assign(out, { 'glibc.malloc.in_use': 20 * MB + r() * 0.05 * MB, 'glibc.malloc.mmap': 4 * MB, 'process.memory.breakdown{part=in_use}': 96 * MB + r() * 0.2 * MB, 'process.memory.breakdown{part=other}': 10 * MB });
      if (t % 60_000 === 0) out['cpython.pymalloc.used_bytes'] = 72 * MB + r() * 0.2 * MB;
    }
    return out;
  };
}

test('Python: RSS creeping while live memory is flat is not a leak; RSS alone decides only with strong evidence or the object count', () => {
  const o = { durationMs: 2 * HOUR, startedAtMs: -HOUR };
  assert.equal(findings(evaluate('leak', pythonReadings({ rssPerHour: 20 * MB, live: true }), o)).length, 0, 'live memory is flat');
  // No live signals (musl, no mallinfo2, no pymalloc report): RSS is the fallback.
  assert.equal(findings(evaluate('leak', pythonReadings({ rssPerHour: 3 * MB, live: false }), o)).length, 0, 'weak RSS growth alone');
  const corroborated = evaluate('leak', pythonReadings({ rssPerHour: 3 * MB, blocksPerHour: 0.03, live: false }), o);
  const last = corroborated[corroborated.length - 1]!.verdict as Finding;
  assert.ok(last, 'RSS growth with the object count growing');
  assert.equal(last.evidence.where, 'heap');
  assert.equal(last.metric, 'process.memory.rss_anon');
});
