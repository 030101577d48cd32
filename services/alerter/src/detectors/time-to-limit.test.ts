import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, finalVerdict, findings, HOUR, MB, MINUTE, noise, programEvaluations, quietService, T0, type SampleAt } from './sample-series';
import type { Finding } from './types';

interface Container {
  /** The process's RSS floor at t (ms). */
  floor: (t: number) => number;
  /** Sawtooth height above the floor. */
  teeth?: number;
  /** Page cache on top of RSS in memory.current. */
  cache?: (t: number) => number;
  limit?: number;
}

/** A process in a container: RSS sawtooths over its floor every 2 min; memory.current adds the page cache. */
function container(o: Container): SampleAt {
  const r = noise(11);
  return (t) => {
    const rss = o.floor(t) + (o.teeth ?? 20 * MB) * ((t % 120_000) / 120_000) + r() * 0.5 * MB;
    const out: Record<string, number> = { 'process.memory.rss': rss, 'container.memory.usage': rss + (o.cache?.(t) ?? 5 * MB) };
    if (o.limit && t % 60_000 === 0) out['container.memory.limit'] = o.limit;
    return out;
  };
}

const growing = (from: number, perHour: number, startAt = 30 * MINUTE) => (t: number) => from + (Math.max(0, t - startAt) * perHour) / HOUR;
const o = { durationMs: 90 * MINUTE, startedAtMs: -HOUR };

test('cgroup: a rising floor plus its sawtooth reaches the limit at the forecast time, with its uncertainty', () => {
  const evals = evaluate('time-to-limit', container({ floor: growing(200 * MB, 60 * MB), limit: 512 * MB }), o);
  const f = finalVerdict(evals) as Finding;
  assert.ok(f, 'a forecast');
  const fc = f.evidence.forecast!;
  assert.equal(fc.limitName, 'container memory limit');
  assert.equal(fc.limitBytes, 512 * MB);
  // Floor now ≈ 265 MB (with 5 MB of cache), peaks ≈ 20 MB above it: (512 − 285) MB at 60 MB/h ≈ 3.8 h.
  assert.ok(Math.abs(fc.secondsToLimit / 3600 - 3.8) < 0.5, `${(fc.secondsToLimit / 3600).toFixed(2)} h`);
  assert.ok(Date.parse(fc.earliest) <= Date.parse(fc.at) && Date.parse(fc.at) <= Date.parse(fc.latest!), 'earliest ≤ at ≤ latest');
  assert.equal(f.value, fc.secondsToLimit);
  assert.equal(f.severity, undefined, 'hours away: the rule decides how bad');
  assert.ok(f.evidence.series && f.evidence.trend, 'chart and trend line');
  assert.ok(Math.abs(f.evidence.signals!.amplitudeBytes! / MB - 18) < 6, `amplitude ${f.evidence.signals!.amplitudeBytes! / MB}`);
  assert.match(f.summary, /container\.memory\.usage reaches the 512 MB container memory limit in 3\.\d h/);
});

test('cgroup: minutes away is critical; peaks already at the limit fire at once', () => {
  const soon = finalVerdict(evaluate('time-to-limit', container({ floor: growing(300 * MB, 400 * MB), limit: 1024 * MB }), o)) as Finding;
  assert.ok(soon && soon.evidence.forecast!.secondsToLimit < 3600);
  assert.equal(soon.severity, 'critical');
  const at = finalVerdict(evaluate('time-to-limit', container({ floor: () => 478 * MB, teeth: 22 * MB, limit: 512 * MB }), o)) as Finding;
  assert.ok(at, 'peaks at 98% of the limit');
  assert.equal(at.evidence.forecast!.secondsToLimit, 0);
  assert.equal(at.severity, 'critical');
  assert.match(at.summary, /within 3% of the 512 MB container memory limit/);
});

test('no forecast from a flat floor, a falling one, or a step', () => {
  assert.equal(finalVerdict(evaluate('time-to-limit', container({ floor: () => 400 * MB, limit: 512 * MB }), o)), null, 'flat, 86% of the limit');
  assert.equal(finalVerdict(evaluate('time-to-limit', container({ floor: growing(400 * MB, -30 * MB), limit: 512 * MB }), o)), null, 'falling');
  const step = evaluate('time-to-limit', container({ floor: (t) => (t < 50 * MINUTE ? 250 * MB : 350 * MB), limit: 512 * MB }), o);
  assert.equal(findings(step).length, 0, 'a step is not a trend');
});

test('cgroup: page cache filling memory.current while RSS is flat is not heading for an OOM kill', () => {
  const evals = evaluate('time-to-limit', container({ floor: () => 200 * MB, cache: (t) => 50 * MB + (t * 100 * MB) / HOUR, limit: 512 * MB }), o);
  assert.equal(findings(evals).length, 0);
});

test('the limit comes from the instance when the agent sends none; no limit, no forecast', () => {
  const withFacts = evaluate('time-to-limit', container({ floor: growing(300 * MB, 200 * MB) }), { ...o, memoryLimitBytes: 512 * MB });
  assert.equal((finalVerdict(withFacts) as Finding).evidence.forecast!.limitBytes, 512 * MB);
  assert.equal(finalVerdict(evaluate('time-to-limit', container({ floor: growing(300 * MB, 200 * MB) }), o)), null);
});

test("a configured RSS limit (params.limitBytes) is forecast like the others", () => {
  const f = finalVerdict(evaluate('time-to-limit', container({ floor: growing(300 * MB, 100 * MB) }), o, { limitBytes: 600 * MB })) as Finding;
  assert.equal(f.evidence.forecast!.limitName, 'configured RSS limit');
  assert.equal(f.metric, 'process.memory.rss');
});

test("Node: a leaking heap is forecast against V8's heap_size_limit, from the floor after GC", () => {
  const { evals } = programEvaluations('time-to-limit', quietService('node', 200 * MB, { heapLimitBytes: 600 * MB, leak: { atMs: 30 * MINUTE, bytesPerHour: 100 * MB, kind: 'heap' } }));
  const hit = findings(evals)[0];
  assert.ok(hit, 'forecast');
  const f = hit.verdict as Finding;
  assert.equal(f.evidence.forecast!.limitName, 'V8 heap limit');
  assert.equal(f.metric, 'v8js.memory.heap.used_after_gc');
  assert.ok(hit.t - 30 * MINUTE < 30 * MINUTE);
  assert.match(f.evidence.nextStep, /max-old-space-size/);
  // Healthy Node: far below its limit, no forecast ever.
  assert.equal(findings(programEvaluations('time-to-limit', quietService('node', 200 * MB)).evals).length, 0);
});

test('cannot tell before minSpan of data', () => {
  const evals = evaluate('time-to-limit', container({ floor: growing(200 * MB, 60 * MB), limit: 512 * MB }), { durationMs: 10 * MINUTE, startedAtMs: 0 });
  assert.equal(finalVerdict(evals), undefined);
  assert.ok(T0 > 0);
});
