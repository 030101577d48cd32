import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCustom, fromLocalInput, isLiveTail, isRaw, resolveWindow, toLocalInput, windowFromQuery, windowToQuery } from './time-range';

const q = (s: string) => new URLSearchParams(s);

test('a relative range and a custom one come back from the URL they were written to', () => {
  assert.deepEqual(windowFromQuery(q(windowToQuery({ kind: 'relative', name: '6h' }).slice(1))), { kind: 'relative', name: '6h' });
  const custom = { kind: 'custom' as const, fromMs: Date.parse('2026-11-30T10:00:00Z'), toMs: Date.parse('2026-11-30T12:30:00Z') };
  assert.equal(windowToQuery(custom), '?from=2026-11-30T10:00:00.000Z&to=2026-11-30T12:30:00.000Z');
  assert.deepEqual(windowFromQuery(q(windowToQuery(custom).slice(1))), custom);
  assert.deepEqual(windowFromQuery(q('from=1700000000000&to=1700003600000')), { kind: 'custom', fromMs: 1700000000000, toMs: 1700003600000 });
});

test('an unreadable or impossible range in the URL falls back to the last hour', () => {
  for (const s of ['range=2y', 'from=yesterday&to=now', 'from=1700003600000&to=1700000000000', 'from=1700000000000', '']) {
    assert.deepEqual(windowFromQuery(q(s)), { kind: 'relative', name: '1h' }, s);
  }
});

test('custom ranges are checked with a reason for the form', () => {
  assert.equal(checkCustom(0, 3_600_000), null);
  assert.match(checkCustom(NaN, 1)!, /start/);
  assert.match(checkCustom(5, NaN)!, /end time/);
  assert.match(checkCustom(10, 5)!, /after the start/);
  assert.match(checkCustom(0, 30_000)!, /one minute/);
  assert.match(checkCustom(0, 91 * 86_400_000)!, /90 days/);
});

test('short ranges are raw, only relative ones are tailed, and a relative range ends a minute past now', () => {
  assert.deepEqual(resolveWindow({ kind: 'relative', name: '15m' }, 1_000_000_000), { fromMs: 1_000_000_000 - 900_000, toMs: 1_000_060_000 });
  assert.equal(isLiveTail({ kind: 'relative', name: '1h' }), true);
  assert.equal(isLiveTail({ kind: 'relative', name: '6h' }), false);
  assert.equal(isLiveTail({ kind: 'custom', fromMs: 0, toMs: 600_000 }), false);
  assert.equal(isRaw({ kind: 'custom', fromMs: 0, toMs: 600_000 }), true);
  assert.equal(isRaw({ kind: 'custom', fromMs: 0, toMs: 7_200_000 }), false);
});

test('a datetime-local value is local time, both ways, to the minute', () => {
  const ms = new Date(2026, 10, 30, 9, 5).getTime();
  assert.equal(toLocalInput(ms), '2026-11-30T09:05');
  assert.equal(fromLocalInput('2026-11-30T09:05'), ms);
  assert.ok(Number.isNaN(fromLocalInput('')));
});
