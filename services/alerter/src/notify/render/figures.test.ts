import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatPercent, formatSeconds, formatSigned, formatUtc, formatUtcNear, formatValue } from './figures';
import { forecastSentence } from './item-facts';

const MIB = 1024 * 1024;

test('bytes read in the dashboard\'s binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(12.3 * MIB), '12.3 MiB');
  assert.equal(formatBytes(512 * MIB), '512 MiB');
  assert.equal(formatBytes(1.5 * 1024 * MIB), '1.5 GiB');
  assert.equal(formatSigned(-3 * MIB, formatBytes), '−3.0 MiB');
  assert.equal(formatBytes(NaN), '–');
});

test('a confidence just short of 1 is never shown as 100 %', () => {
  assert.equal(formatPercent(0.997), '99.7 %');
  assert.equal(formatPercent(0.99997), '> 99.9 %');
  assert.equal(formatPercent(1), '100 %');
  assert.equal(formatPercent(0.46), '46 %');
});

test('values follow their catalogue unit', () => {
  assert.equal(formatValue(0.231, '1'), '23.1 %');
  assert.equal(formatValue(0.004, 's'), '4 ms');
  assert.equal(formatValue(1234, '{fd}'), '1,234 descriptors');
  assert.equal(formatValue(42, null), '42');
  assert.equal(formatSeconds(5400), '90 min');
  assert.equal(formatSeconds(26_000), '7.2 h');
});

test('times are UTC, and a time on the same day drops its date', () => {
  assert.equal(formatUtc('2026-12-02T03:10:41.000Z'), '2026-12-02 03:10 UTC');
  assert.equal(formatUtcNear('2026-12-02T01:40:00Z', '2026-12-02T03:10:00Z'), '01:40');
  assert.equal(formatUtcNear('2026-12-01T23:40:00Z', '2026-12-02T03:10:00Z'), '2026-12-01 23:40');
  assert.equal(formatUtc('not a time'), 'not a time');
});

test('a forecast reads as one sentence with its range', () => {
  const f = { limitName: 'cgroup', limitBytes: 512 * MIB, at: '2026-12-02T03:10:00Z', earliest: '2026-12-02T01:40:00Z', latest: '2026-12-02T05:00:00Z', secondsToLimit: 3600 };
  assert.equal(forecastSentence(f), 'limit 512 MiB (cgroup) reached around 2026-12-02 03:10 UTC, between 01:40 and 05:00');
  assert.equal(forecastSentence({ ...f, latest: null }), 'limit 512 MiB (cgroup) reached around 2026-12-02 03:10 UTC, not before 01:40');
});
