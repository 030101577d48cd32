import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidError } from './errors';
import { parseTime, resolveTimeRange } from './time-range';

const NOW = Date.UTC(2026, 11, 1);

test('times are ISO or unix ms, and the range defaults to the hour before now', () => {
  assert.equal(parseTime('2026-12-01T00:00:00Z', 'from'), NOW);
  assert.equal(parseTime(String(NOW), 'to'), NOW);
  assert.deepEqual(resolveTimeRange({}, NOW), { fromMs: NOW - 3_600_000, toMs: NOW, stepMs: 4000 });
});

test('a time no query can hold is refused with the parameter named, before it reaches PostgreSQL', () => {
  for (const [value, name] of [['99999999999999999', 'to'], ['8640000000000001', 'from'], ['-000001-01-01T00:00:00Z', 'from'], ['soon', 'to']] as const) {
    assert.throws(() => parseTime(value, name), (err: unknown) => err instanceof InvalidError && err.message.includes(`"${name}"`), `${name}=${value}`);
  }
  assert.equal(parseTime('8640000000000000', 'to'), 8.64e15, 'the last time a Date holds is still a time');
});
