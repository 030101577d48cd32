import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, finalVerdict, findings, MB, MINUTE, type SampleAt } from './sample-series';
import { DROPPED_METRIC } from './data-loss';
import type { Finding } from './types';

const HOUR = 60 * MINUTE;
const rss = 200 * MB;
/** The agent's counter as a function of time; `lost` returns true for ticks whose samples never arrived. */
const agent = (dropped: (t: number) => number, lost: (t: number) => boolean = () => false): SampleAt => (t) =>
  lost(t) ? null : { 'process.memory.rss': rss, [DROPPED_METRIC]: dropped(t) };

test('a healthy agent never raises it', () => {
  const evals = evaluate('data-loss', agent(() => 0), { durationMs: HOUR });
  assert.equal(findings(evals).length, 0);
  assert.equal(finalVerdict(evals), null);
});

test('an outage that overflowed the buffer fires when the samples after it arrive, and resolves a window later', () => {
  // Ingest unreachable from 30 to 34 min: the oldest buffered ticks (30-32) were dropped, 340 samples in all.
  const outage = agent((t) => (t < 32 * MINUTE ? 0 : 340), (t) => t >= 30 * MINUTE && t < 32 * MINUTE);
  const evals = evaluate('data-loss', outage, { durationMs: 50 * MINUTE });
  assert.equal(findings(evals).filter((e) => e.t < 32 * MINUTE).length, 0, 'nothing before the loss');
  const at33 = evals.find((e) => e.t === 33 * MINUTE)!.verdict as Finding;
  assert.equal(at33.value, 340);
  assert.equal(at33.metric, DROPPED_METRIC);
  assert.equal(at33.summary, 'the agent dropped 340 samples in the last 10 min (buffer full: ingest unreachable?)');
  assert.equal(at33.evidence.level, 340);
  assert.ok(at33.evidence.nextStep.length > 0);
  // Still within the window at 41 min; clear once the rise is older than the window (and its bucket).
  assert.ok(evals.find((e) => e.t === 41 * MINUTE)!.verdict);
  assert.equal(finalVerdict(evals), null, 'no new drops for a whole window: the alert resolves');
});

test('drops from before the window do not count: the counter is cumulative, its rise is the loss', () => {
  const old = agent((t) => (t < 5 * MINUTE ? 0 : 1200));
  const evals = evaluate('data-loss', old, { durationMs: HOUR });
  assert.ok(findings(evals).some((e) => e.t < 15 * MINUTE), 'it fired when they happened');
  assert.equal(findings(evals, 20 * MINUTE).length, 0);
});

test('a steady trickle is summed over the window', () => {
  // 2 ticks lost each minute (a process too busy to run the agent's timer).
  const trickle = agent((t) => 2 * Math.floor(t / MINUTE));
  const f = finalVerdict(evaluate('data-loss', trickle, { durationMs: HOUR })) as Finding;
  assert.ok(f.value >= 18 && f.value <= 22, `about 10 min × 2/min, got ${f.value}`);
  assert.equal(finalVerdict(evaluate('data-loss', trickle, { durationMs: HOUR }, { minDropped: 50 })), null, 'under minDropped');
  const hour = finalVerdict(evaluate('data-loss', trickle, { durationMs: 2 * HOUR }, { windowSeconds: 3600 })) as Finding;
  assert.ok(hour.value >= 118 && hour.value <= 122, `a longer window, got ${hour.value}`);
  assert.match(hour.summary, /in the last 60 min/);
});

test('a process whose first samples already count drops (ingest unreachable from its start) lost them', () => {
  // Started at 0; every tick before 3 min was dropped; its first stored sample says 18.
  const lateStart = agent(() => 18, (t) => t < 3 * MINUTE);
  const f = finalVerdict(evaluate('data-loss', lateStart, { durationMs: 5 * MINUTE })) as Finding;
  assert.equal(f.value, 18);
  assert.equal(f.summary, 'the agent dropped 18 samples in the last 10 min (buffer full: ingest unreachable?)');
});

test('a counter that starts again (a reset) counts its new value, not a negative loss', () => {
  const reset = agent((t) => (t < 20 * MINUTE ? 500 : 3));
  const evals = evaluate('data-loss', reset, { durationMs: 25 * MINUTE });
  assert.equal((finalVerdict(evals) as Finding).value, 3);
  assert.equal(evaluate('data-loss', agent((t) => (t < 20 * MINUTE ? 500 : 1)), { durationMs: 25 * MINUTE }).at(-1)!.verdict!.summary, 'the agent dropped 1 sample in the last 10 min (buffer full: ingest unreachable?)');
});

test('an agent that does not report the counter cannot be judged', () => {
  const old = () => ({ 'process.memory.rss': rss });
  assert.equal(finalVerdict(evaluate('data-loss', old, { durationMs: 30 * MINUTE })), undefined);
});
