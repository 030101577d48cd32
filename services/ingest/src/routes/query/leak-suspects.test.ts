// The suspect ranking on its own: forecasts that are missing, malformed or past.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenMemoryAlert } from '../../queries/open-memory-alerts';
import { parseFloat8Array } from '../../queries/latest-samples';
import { MAX_SUSPECTS, rankLeakSuspects } from './leak-suspects';

const now = Date.parse('2026-06-01T12:00:00Z');
const alert = (instanceId: string, o: Partial<OpenMemoryAlert> = {}): OpenMemoryAlert => ({
  id: `alert-${instanceId}-${o.kind ?? 'leak'}`, kind: 'leak', state: 'firing', value: null, startedAt: new Date(now - 600_000),
  instanceId, appId: 'app', appName: 'app', host: `host-${instanceId}`, pid: 1, worker: null, runtime: 'node',
  rateBytesPerHour: null, growthStartedAt: null, forecast: null, ...o,
});
const forecast = (atMs: number) => ({ limitName: 'heap limit', limitBytes: 1e9, at: new Date(atMs).toISOString() });

test('a malformed forecast counts as none; a passed one as zero seconds to go', () => {
  const ranked = rankLeakSuspects(
    [
      alert('1', { value: 5e6, forecast: { at: 'soon', limitBytes: '1 GB' } }),
      alert('2', { kind: 'time-to-limit', value: 30, forecast: forecast(now - 30_000), growthStartedAt: 'not a time' }),
      alert('3', { value: 1e6 }),
    ],
    () => null,
    now,
  );
  assert.deepEqual(ranked.map((s) => [s.instanceId, s.secondsToLimit, s.growthBytesPerHour]), [['2', 0, null], ['1', null, 5e6], ['3', null, 1e6]]);
  assert.equal(ranked[0]!.growthStartedAt, new Date(now - 600_000).toISOString(), 'an unreadable growthStartedAt falls back to the alert start');
});

test(`at most ${MAX_SUSPECTS}, the rest cut from the slow end`, () => {
  const many = Array.from({ length: MAX_SUSPECTS + 5 }, (_, n) => alert(String(n), { value: n }));
  const ranked = rankLeakSuspects(many, () => 1, now);
  assert.equal(ranked.length, MAX_SUSPECTS);
  assert.equal(ranked.at(-1)!.growthBytesPerHour, 5);
});

test('float8[] text parses to numbers and nulls', () => {
  assert.deepEqual(parseFloat8Array('{1.5,NULL,2000000,1e-07,-3}'), [1.5, null, 2e6, 1e-7, -3]);
  assert.deepEqual(parseFloat8Array('{}'), []);
});
