import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartMarks, describeMarks } from './chart-marks';

const iso = (ms: number) => new Date(ms).toISOString();
const alert = (startedAt: number, resolvedAt: number | null, severity = 'warning') => ({ startedAt: iso(startedAt), resolvedAt: resolvedAt === null ? null : iso(resolvedAt), severity, kind: 'leak', summary: 'floor rising' });

test('deploys inside the range are marked, in seconds; those outside are not', () => {
  const marks = chartMarks([{ version: '1.0', at: iso(500_000) }, { version: '1.1', at: iso(2_000_000) }, { version: '0.9', at: iso(10_000) }], [], 100_000, 1_000_000, 1_000_000);
  assert.deepEqual(marks.deploys, [{ at: 500, label: '1.0' }]);
});

test('an alert spans from its start to its resolution or now, clipped to the range', () => {
  const marks = chartMarks([], [alert(50_000, 300_000), alert(400_000, null, 'critical'), alert(10_000, 90_000)], 100_000, 1_000_000, 800_000);
  assert.deepEqual(
    marks.spans.map((s) => [s.from, s.to, s.severity]),
    [[100, 300, 'warning'], [400, 800, 'critical']],
  );
  assert.equal(describeMarks(marks, (s) => `${s}s`), 'leak: floor rising from 100s to 300s; leak: floor rising from 400s to 800s');
});
