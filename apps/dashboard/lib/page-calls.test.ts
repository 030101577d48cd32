import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHART_POINTS, stepFor } from './page-calls';
import { RANGES } from './time-range';

test('an hour or less reads raw samples; longer ranges ask for about CHART_POINTS points in whole seconds', () => {
  assert.equal(stepFor({ kind: 'relative', name: '15m' }), 0);
  assert.equal(stepFor({ kind: 'relative', name: '1h' }), 0);
  assert.equal(stepFor({ kind: 'relative', name: '24h' }), 173_000);
  assert.equal(stepFor({ kind: 'custom', fromMs: 0, toMs: 2 * 3_600_000 }), 15_000);
  for (const name of Object.keys(RANGES) as (keyof typeof RANGES)[]) {
    const step = stepFor({ kind: 'relative', name });
    if (step === 0) continue;
    assert.equal(step % 1000, 0, `${name}: whole seconds`);
    const points = RANGES[name] / step;
    assert.ok(points <= CHART_POINTS && points > CHART_POINTS * 0.9, `${name}: ${points} points`);
  }
});
