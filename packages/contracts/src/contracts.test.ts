import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Compile } from 'typebox/compile';
import { IngestBatch, METRIC_CATALOGUE, describeMetric, METRIC_NAME_PATTERN } from './index';
import { goldenNames, readGolden, readGoldenText, rebaseBatch, STORAGE_REFUSALS } from './golden';

const checker = Compile(IngestBatch);

test('every valid and partial golden batch matches the wire schema', () => {
  const names = [...goldenNames('valid').map((n) => ['valid', n] as const), ...goldenNames('partial').map((n) => ['partial', n] as const)];
  assert.ok(names.length >= 4);
  for (const [kind, name] of names) {
    const batch = JSON.parse(readGoldenText(kind, name));
    if (name === 'non-finite') continue; // Infinity is a per-sample rejection, checked by ingest
    assert.ok(checker.Check(batch), `${kind}/${name}: ${[...checker.Errors(batch)].map((e) => e.instancePath + ' ' + e.message).join('; ')}`);
  }
});

test('every invalid golden batch is rejected by JSON parsing or by the schema', () => {
  for (const name of goldenNames('invalid')) {
    const text = readGoldenText('invalid', name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue; // malformed JSON (NaN literal) is rejected before the schema
    }
    if (name === 'proto-key') continue; // rejected by the server's prototype-poisoning guard
    assert.equal(checker.Check(parsed), false, `${name} should not validate`);
  }
});

test('each batch PostgreSQL would refuse is refused by the schema at its field', () => {
  const names = goldenNames('invalid');
  // `/snapshots/0/sites/0/site` → `snapshots[0].sites[0].site`, as the 400 names it.
  const field = (pointer: string) => pointer.slice(1).split('/').map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  for (const [name, expected] of Object.entries(STORAGE_REFUSALS)) {
    assert.ok(names.includes(name), `golden/invalid/${name}.json exists`);
    const errors = checker.Errors(JSON.parse(readGoldenText('invalid', name)));
    assert.ok(errors.some((e) => field(e.instancePath) === expected), `${name}: ${errors.map((e) => e.instancePath).join(', ')} includes ${expected}`);
  }
});

test('golden metric names are in the catalogue and follow the name pattern', () => {
  const pattern = new RegExp(METRIC_NAME_PATTERN);
  for (const name of goldenNames('valid')) {
    for (const metric of readGolden('valid', name).metrics) {
      assert.match(metric, pattern);
      assert.ok(describeMetric(metric), `${metric} is not in the catalogue`);
    }
  }
});

test('catalogue names are unique and valid', () => {
  const pattern = new RegExp(METRIC_NAME_PATTERN);
  const names = METRIC_CATALOGUE.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, pattern);
  assert.equal(describeMetric('process.memory.rss')?.prometheus, 'process_resident_memory_bytes');
});

test('rebaseBatch moves the newest timestamp to now and keeps spacing', () => {
  const batch = readGolden('valid', 'python-batch');
  const rebased = rebaseBatch(batch, 2_000_000_000_000);
  const newest = Math.max(...rebased.samples.map((s) => s.ts), ...(rebased.snapshots ?? []).map((s) => s.ts));
  assert.equal(newest, 2_000_000_000_000);
  assert.equal(rebased.samples[1]!.ts - rebased.samples[0]!.ts, batch.samples[1]!.ts - batch.samples[0]!.ts);
});

test("label keys: Kubernetes' prefixed keys pass; spaces, a leading digit or dash, and keys over 128 characters do not", () => {
  const withLabels = (labels: Record<string, string>) => {
    const batch = readGolden('valid', 'python-batch');
    return { ...batch, instance: { ...batch.instance, labels } };
  };
  for (const key of ['env', 'app.kubernetes.io/name', 'topology.kubernetes.io/zone', '_x-y.z', 'k'.repeat(128)]) {
    assert.ok(checker.Check(withLabels({ [key]: 'v' })), `${key} passes`);
  }
  for (const key of ['bad key', '9lives', '-x', '/leading', 'k'.repeat(129), 'a=b', 'a{b}']) {
    assert.equal(checker.Check(withLabels({ [key]: 'v' })), false, `${key} is refused`);
  }
});
