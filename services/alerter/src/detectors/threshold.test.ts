import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, finalVerdict, MB, MINUTE } from './sample-series';
import type { Finding } from './types';

const fdsAt = (n: number) => () => ({ 'process.open_fds{kind=socket}': n, 'process.memory.rss': 300 * MB });
const o = { durationMs: MINUTE };

test('every comparison, on the newest reading', () => {
  const cases: [string, number, boolean][] = [
    ['>', 99, true],
    ['>', 100, false],
    ['>=', 100, true],
    ['<', 101, true],
    ['<=', 99, false],
    ['==', 100, true],
    ['!=', 100, false],
  ];
  for (const [op, value, holds] of cases) {
    const v = finalVerdict(evaluate('threshold', fdsAt(100), o, { metric: 'process.open_fds{kind=socket}', op: op as never, value }));
    assert.equal(v !== null, holds, `100 ${op} ${value}`);
  }
});

test('a finding names the metric and its value in its unit; a metric never seen cannot be judged', () => {
  const f = finalVerdict(evaluate('threshold', fdsAt(100), o, { metric: 'process.memory.rss', op: '>', value: 256 * MB })) as Finding;
  assert.equal(f.value, 300 * MB);
  assert.equal(f.metric, 'process.memory.rss');
  assert.equal(f.summary, 'process.memory.rss is 300 MB (> 256 MB)');
  assert.ok(f.evidence.nextStep.length > 0);
  assert.equal(finalVerdict(evaluate('threshold', fdsAt(100), o, { metric: 'process.threads', value: 10 })), undefined);
});
