// Issue 14 at decode: whatever PostgreSQL would refuse is refused here with a
// 400 naming the field, nothing nests deep enough to hurt the worker, and the
// largest values the bounds allow still decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenNames, readGoldenText, STORAGE_REFUSALS } from '@memsight/contracts/golden';
import { MAX_EPOCH_MILLIS, MAX_INT4, MAX_SAFE_INT8 } from '@memsight/contracts';
import { decodeBatch, type DecodeRequest } from './decode-batch';
import { findTooDeep, MAX_JSON_DEPTH } from './parse-json-body';
import { fieldPath } from './schema-errors';

const window = { nowMs: 1_764_000_060_000, maxAgeMs: 3_600_000, maxFutureMs: 60_000 };
const decode = (text: string) => decodeBatch({ body: new Uint8Array(Buffer.from(text)), gzip: false, limitBytes: 4 * 1024 * 1024, window } satisfies DecodeRequest);
const base = () => JSON.parse(readGoldenText('invalid', 'negative-seq')) as Record<string, any>;
const valid = (): Record<string, any> => ({ ...base(), seq: 7 });

test('every storage-breaking golden batch gets 400 invalid_body naming its field', () => {
  const names = goldenNames('invalid');
  for (const [name, field] of Object.entries(STORAGE_REFUSALS)) {
    assert.ok(names.includes(name), `golden/invalid/${name}.json exists`);
    const result = decode(readGoldenText('invalid', name));
    assert.ok(!result.ok, `${name} is refused`);
    assert.equal(result.error.status, 400, name);
    assert.equal(result.error.code, 'invalid_body', name);
    assert.ok(result.error.message.includes(` ${field}:`), `${name}: "${result.error.message}" names ${field}`);
  }
});

test('the messages say why the bound is there', () => {
  const message = (name: string) => {
    const r = decode(readGoldenText('invalid', name));
    assert.ok(!r.ok);
    return r.error.message;
  };
  assert.match(message('pid-over-int4'), /at most 2147483647 .*32-bit/);
  assert.match(message('seq-over-int8'), /at most 9007199254740991 .*lose digits/);
  assert.match(message('started-at-beyond-date'), /year 275760/);
  assert.match(message('nul-in-type'), /U\+0000 or an unpaired UTF-16 surrogate/);
  assert.match(message('lone-surrogate-in-label'), /unpaired UTF-16 surrogate/);
  assert.match(message('label-key-off-pattern'), /label key "-x"/);
});

test('the base of the storage goldens is itself valid, so each refusal is the one field', () => {
  const result = decode(JSON.stringify(valid()));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
});

test('the largest values the bounds allow still decode', () => {
  const batch = valid();
  batch.seq = MAX_SAFE_INT8;
  batch.dropped = MAX_SAFE_INT8;
  batch.instance.pid = MAX_INT4;
  batch.instance.memoryLimitBytes = MAX_SAFE_INT8;
  batch.instance.startedAt = MAX_EPOCH_MILLIS;
  // Paired surrogates (an emoji) are fine; only unpaired ones are refused.
  batch.instance.labels = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, '🐍'.repeat(128)]));
  batch.snapshots[1].types[0].growth = -MAX_SAFE_INT8;
  const result = decode(JSON.stringify(batch));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
});

test('labels are closed: a key off the pattern holds nothing, values are short strings', () => {
  for (const labels of [{ 'bad key': 'x' }, { env: { nested: 'x' } }, { env: ['x'] }, { env: null }]) {
    const batch = valid();
    batch.instance.labels = labels;
    const result = decode(JSON.stringify(batch));
    assert.ok(!result.ok, JSON.stringify(labels));
    assert.match(result.error.message, /instance\.labels/, JSON.stringify(labels));
  }
});

for (const levels of [10_000, 100_000]) {
  test(`a label nested ${levels} levels deep gets a quick 400 at parse time`, () => {
    const batch = valid();
    batch.instance.labels = { '-x': '__DEEP__' };
    const text = JSON.stringify(batch).replace('"__DEEP__"', '['.repeat(levels) + ']'.repeat(levels));
    const started = performance.now();
    const result = decode(text);
    assert.ok(performance.now() - started < 1000, 'answered within a second');
    assert.ok(!result.ok);
    assert.equal(result.error.status, 400);
    assert.equal(result.error.code, 'invalid_json');
    assert.match(result.error.message, new RegExp(`more than ${MAX_JSON_DEPTH} levels`));
  });
}

test('the depth scan skips strings and escapes, and counts objects and arrays alike', () => {
  const bytes = (s: string) => Buffer.from(s);
  assert.equal(findTooDeep(bytes('{"a":[[1]]}'), 3), -1);
  assert.equal(findTooDeep(bytes('{"a":[[[1]]]}'), 3), 7);
  assert.equal(findTooDeep(bytes('{"a":"[[[[[[\\"[[[["}'), 1), -1, 'brackets inside a string do not count');
  assert.equal(findTooDeep(bytes('{"é":{"ü":{}}}'), 2), 12, 'offsets are bytes, multi-byte characters pass through');
  // The golden batches need 6 levels at most.
  for (const name of goldenNames('valid')) assert.equal(findTooDeep(bytes(readGoldenText('valid', name)), 6), -1, name);
});

test('field paths read like the body', () => {
  assert.equal(fieldPath('/instance/pid'), 'instance.pid');
  assert.equal(fieldPath('/samples/3/ts'), 'samples[3].ts');
  assert.equal(fieldPath('/instance/labels/-x'), 'instance.labels["-x"]');
  assert.equal(fieldPath('/a~1b'), '["a/b"]');
  assert.equal(fieldPath(''), 'the body');
});
