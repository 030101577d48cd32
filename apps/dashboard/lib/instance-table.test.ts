import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InstanceFigures, InstanceSummary } from '@memsight/contracts';
import { sortRows, type InstanceRow } from './instance-table';

const row = (id: string, rss: number | null, growth: number | null): InstanceRow => ({
  instance: { id, host: 'h', pid: Number(id), lastSeenAt: '2026-12-01T00:00:00Z', appVersion: null, worker: null } as InstanceSummary,
  figures: { instanceId: id, rssBytes: rss, growthBytesPerHour: growth } as InstanceFigures,
});

test('rows sort by a figure either way, with missing figures last', () => {
  const rows = [row('1', 10, null), row('2', 30, 5), row('3', null, 9)];
  assert.deepEqual(sortRows(rows, 'rss', true).map((r) => r.instance.id), ['2', '1', '3']);
  assert.deepEqual(sortRows(rows, 'rss', false).map((r) => r.instance.id), ['1', '2', '3']);
  assert.deepEqual(sortRows(rows, 'growth', true).map((r) => r.instance.id), ['3', '2', '1']);
  assert.deepEqual(sortRows(rows, 'instance', false).map((r) => r.instance.id), ['1', '2', '3']);
});
