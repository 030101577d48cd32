import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, finalVerdict, findings, HOUR, MINUTE, noise, programEvaluations, quietService, type SampleAt } from './sample-series';
import type { Finding } from './types';

/** Descriptors by kind on slow rounds (60 s) and their total every tick, as both agents send them. */
function fds(kinds: (t: number) => Record<string, number>, extra: (t: number) => Record<string, number> = () => ({})): SampleAt {
  return (t) => {
    const k = kinds(t);
    const out: Record<string, number> = { 'process.open_fds{kind=total}': Object.values(k).reduce((a, b) => a + b, 0), ...extra(t) };
    if (t % 60_000 === 0) {
      for (const [kind, n] of Object.entries(k)) out[`process.open_fds{kind=${kind}}`] = n;
      out['process.max_fds'] = 1024;
    }
    return out;
  };
}

const o = { durationMs: 50 * MINUTE, startedAtMs: -HOUR };
const r = noise(2);
const steady = (t: number) => ({ file: 4, socket: 10 + Math.floor(r() * 3), pipe: 2, other: 3 });

test('a socket leak is reported by its kind, with its rate and the time to the fd limit', () => {
  const leak = (t: number) => ({ ...steady(t), socket: 10 + Math.floor((t / HOUR) * 120) });
  const f = finalVerdict(evaluate('resource-leak', fds(leak), o)) as Finding;
  assert.ok(f);
  assert.equal(f.metric, 'process.open_fds{kind=socket}', 'the kind, not the total');
  assert.equal(f.evidence.where, 'resources');
  assert.ok(Math.abs(f.evidence.ratePerHour! - 120) < 20, `${f.evidence.ratePerHour}/h`);
  const fc = f.evidence.forecast!;
  assert.equal(fc.limitName, 'process.max_fds');
  // About 1024 − 120 descriptors at 120/h: 7.5 h.
  assert.ok(Math.abs(fc.secondsToLimit / 3600 - 7.5) < 1.5, `${fc.secondsToLimit / 3600} h`);
  assert.match(f.summary, /^socket descriptors grow \d+ → \d+, 1\d\d\/h/);
  assert.ok('process.open_fds{kind=file} per hour' in f.evidence.signals!);
  assert.match(f.evidence.nextStep, /close files and sockets/);
});

test('a pool opening its connections once is a step, and steady counts are clear', () => {
  const pool = (t: number) => ({ ...steady(t), socket: t < 20 * MINUTE ? 10 : 60 });
  assert.equal(findings(evaluate('resource-leak', fds(pool), o)).length, 0);
  assert.equal(finalVerdict(evaluate('resource-leak', fds(steady), o)), null);
});

test('growth below the rule floors (rate, least increase) is not a resource leak', () => {
  const slow = (t: number) => ({ ...steady(t), file: 4 + Math.floor((t / HOUR) * 10) });
  assert.equal(finalVerdict(evaluate('resource-leak', fds(slow), o)), null);
});

test('threads that keep being started, Python ResourceWarnings, Node active handles', () => {
  const threads = programEvaluations('resource-leak', quietService('cpython', 64 * 2 ** 20, { durationMs: HOUR, resources: { threadsPerHour: 40 } })).evals;
  assert.equal((threads[threads.length - 1]!.verdict as Finding).metric, 'process.threads');
  const warnings = programEvaluations('resource-leak', quietService('cpython', 64 * 2 ** 20, { durationMs: HOUR, resources: { warningsPerHour: 100 } })).evals;
  const w = warnings[warnings.length - 1]!.verdict as Finding;
  assert.equal(w.metric, 'cpython.resource_warnings');
  assert.ok(Math.abs(w.evidence.ratePerHour! - 100) < 25);
  assert.match(w.summary, /^\d+ more ResourceWarnings/);
  assert.match(w.evidence.nextStep, /-X dev/);
  const handles = programEvaluations('resource-leak', quietService('node', 64 * 2 ** 20, { durationMs: HOUR, resources: { handlesPerHour: 60 } })).evals;
  assert.equal((handles[handles.length - 1]!.verdict as Finding).metric, 'nodejs.active_resources{type=Timeout}');
});

test('healthy programs never raise a resource leak; a young one cannot tell yet', () => {
  for (const runtime of ['cpython', 'node'] as const) {
    assert.equal(findings(programEvaluations('resource-leak', quietService(runtime, 128 * 2 ** 20)).evals).length, 0);
  }
  assert.equal(finalVerdict(evaluate('resource-leak', fds(steady), { durationMs: 10 * MINUTE, startedAtMs: 0 })), undefined);
});
