// Real series: each example app in examples/ run for ~55 minutes under its
// real agent (default 10 s sampling), recorded into fixtures/, replayed through
// the series and every default rule with decide(). What the examples README
// says each one should and must not raise is what is asserted, with the
// default rules and with the demo's faster ones (scripts/lib/demo-rules.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuleParams } from '@memsight/contracts';
import { loadFixture, MINUTE, T0 } from './sample-series';
import { replay, SIMULATED_KINDS, type SimulatedAlert, type SimulatedKind } from './simulate';

interface Expectation {
  fixture: string;
  raises: SimulatedKind[];
  never: SimulatedKind[];
  /** The leak's `where`, when it raises one. */
  where?: string;
  /** The leak stopped at this offset (ms): its alert must resolve. */
  stopsAtMs?: number;
}

const EXPECTATIONS: Expectation[] = [
  { fixture: 'py-cache-leak', raises: ['leak'], never: ['fragmentation', 'gc', 'resource-leak'], where: 'heap' },
  { fixture: 'py-cache-leak-10', raises: ['leak'], never: ['fragmentation', 'gc', 'resource-leak'], where: 'heap' },
  { fixture: 'py-cache-leak-stops', raises: ['leak'], never: ['fragmentation', 'gc', 'resource-leak'], where: 'heap', stopsAtMs: 25 * MINUTE },
  { fixture: 'py-cycle-leak', raises: ['gc', 'leak'], never: ['fragmentation', 'resource-leak'], where: 'heap' },
  { fixture: 'py-fd-leak', raises: ['resource-leak'], never: ['leak', 'fragmentation', 'gc'] },
  { fixture: 'py-fragmentation', raises: ['fragmentation'], never: ['leak', 'gc', 'resource-leak'] },
  { fixture: 'py-healthy', raises: [], never: [...SIMULATED_KINDS] },
  { fixture: 'node-cache-leak', raises: ['leak'], never: ['fragmentation', 'gc', 'resource-leak'], where: 'heap' },
  { fixture: 'node-cache-leak-10', raises: ['leak'], never: ['fragmentation', 'gc', 'resource-leak'], where: 'heap' },
  { fixture: 'node-listener-leak', raises: ['leak'], never: ['fragmentation', 'gc', 'resource-leak'], where: 'heap' },
  { fixture: 'node-listener-leak-stops', raises: ['leak'], never: ['fragmentation', 'gc', 'resource-leak'], where: 'heap', stopsAtMs: 25 * MINUTE },
  { fixture: 'node-fd-leak', raises: ['resource-leak'], never: ['fragmentation', 'gc'] },
  { fixture: 'node-healthy', raises: [], never: [...SIMULATED_KINDS] },
];

const QUICK = { windowSeconds: 1800, minSpanSeconds: 420, warmupSeconds: 30 };
const DEMO_RULES: Partial<{ [K in SimulatedKind]: Partial<RuleParams[K]> }> = {
  leak: QUICK,
  'resource-leak': QUICK,
  gc: QUICK,
  fragmentation: { windowSeconds: 900, minSpanSeconds: 300, warmupSeconds: 60 },
};

function check(e: Expectation, rules: 'default' | 'demo'): string[] {
  const { instance, endMs } = loadFixture(e.fixture);
  const sim = replay([instance], endMs, { startMs: T0, params: rules === 'demo' ? DEMO_RULES : {} });
  const fired = (kind: SimulatedKind) => sim.alerts.filter((a) => a.kind === kind && a.firedAtMs !== null);
  const problems: string[] = [];
  const at = (a: SimulatedAlert) => `${((a.firedAtMs! - T0) / MINUTE).toFixed(1)} min: ${a.fired!.summary}`;
  for (const kind of e.raises) if (fired(kind).length === 0) problems.push(`${rules}: no ${kind} alert`);
  for (const kind of e.never) for (const a of fired(kind)) problems.push(`${rules}: ${kind} at ${at(a)}`);
  const leak = fired('leak')[0];
  if (leak && e.where && e.raises.includes('leak') && leak.fired!.evidence.where !== e.where) problems.push(`${rules}: leak placed in ${leak.fired!.evidence.where}: ${at(leak)}`);
  if (leak && e.stopsAtMs !== undefined) {
    const resolved = leak.resolvedAtMs !== null && leak.resolvedAtMs < endMs ? leak.resolvedAtMs - T0 : Infinity;
    if (resolved > e.stopsAtMs + 25 * MINUTE) problems.push(`${rules}: the leak stopped at ${e.stopsAtMs / MINUTE} min, its alert ${Number.isFinite(resolved) ? `resolved at ${(resolved / MINUTE).toFixed(1)} min` : 'never resolved'}`);
  }
  return problems;
}

for (const e of EXPECTATIONS) {
  test(`recorded ${e.fixture}: raises ${e.raises.join(', ') || 'nothing'}, never ${e.never.join(', ')}`, () => {
    assert.deepEqual([...check(e, 'default'), ...check(e, 'demo')], []);
  });
}

// The same apps on the end-to-end test's fast clock (agents every 0.5 s, 1 s
// buckets, rule windows of minutes: services/alerter/e2e/alerting.test.ts),
// recorded for 5 minutes: its assertions, checked here without a database.
const FAST = {
  startMs: T0,
  everyMs: 2000,
  bucketMs: 1000,
  capacity: 600,
  params: { leak: { windowSeconds: 240, minSpanSeconds: 30, warmupSeconds: 30 }, fragmentation: { windowSeconds: 60, minSpanSeconds: 20, warmupSeconds: 10 } },
  timing: { leak: { forSeconds: 5, keepFiringForSeconds: 10 }, fragmentation: { forSeconds: 10, keepFiringForSeconds: 10 } },
};

function fast(name: string) {
  const { instance, endMs } = loadFixture(name);
  const sim = replay([instance], endMs, FAST);
  const describe = (a: SimulatedAlert) => `${a.kind} ${a.firedAtMs ? 'fired' : 'pending'} at ${((a.openedAtMs - T0) / 1000).toFixed(0)} s: ${(a.fired ?? a.opened).summary}`;
  return { sim, endMs, describe };
}

test('fast clock: the Python leak fires in bytes/hour, and resolves after its leak ends at 90 s', () => {
  const { sim, endMs } = fast('fast-py-cache-leak');
  const leak = sim.alerts.find((a) => a.kind === 'leak' && a.firedAtMs !== null);
  assert.ok(leak, 'a leak alert fires');
  assert.ok(leak.fired!.value > 1e9, `${leak.fired!.value} bytes/h`);
  assert.ok(leak.resolvedAtMs !== null && leak.resolvedAtMs < endMs - 1 && leak.resolvedAtMs - T0 < 200_000, 'and resolves once the floor is flat');
});

test('fast clock: the Node leak is found on the floor the GC probe provides', () => {
  const { sim } = fast('fast-node-cache-leak');
  const leak = sim.alerts.find((a) => a.kind === 'leak' && a.firedAtMs !== null);
  assert.equal(leak?.fired?.metric, 'v8js.memory.heap.used_after_gc');
});

test('fast clock: fragmentation fires and not even a pending leak opens; the healthy app opens nothing at all', () => {
  const frag = fast('fast-py-fragmentation');
  assert.ok(frag.sim.alerts.some((a) => a.kind === 'fragmentation' && a.firedAtMs !== null), 'fragmentation fires');
  assert.deepEqual(frag.sim.alerts.filter((a) => a.kind === 'leak').map(frag.describe), []);
  const healthy = fast('fast-py-healthy');
  assert.deepEqual(healthy.sim.alerts.map(healthy.describe), []);
});
