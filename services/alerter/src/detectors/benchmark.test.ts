// Prints what the detectors cost per instance (a figure to watch, not a
// timing assertion: the machine may be busy with other suites).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchmarkViews, formatBenchmark, runBenchmark } from './benchmark';

test('detector cost per instance, full two-hour windows', (t) => {
  const result = runBenchmark(benchmarkViews(80), 10);
  t.diagnostic(formatBenchmark(result));
  assert.ok(result.microsPerInstance > 0);
});
