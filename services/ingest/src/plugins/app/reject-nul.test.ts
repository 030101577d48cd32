import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNul } from './reject-nul';

test('finds a NUL in values and keys, wherever it is, and nothing elsewhere', () => {
  assert.equal(findNul({ a: 'ok', b: [1, 'x\u0000'] }), '/b/1');
  assert.equal(findNul({ ['k\u0000']: 1 }), '/k\\u0000');
  assert.equal(findNul('\u0000'), '/');
  assert.equal(findNul({ a: 'fine', b: [null, 1.5, true, '\ud800'] }), undefined);
  assert.equal(findNul(Buffer.from([0])), undefined, 'raw bodies are the decoder’s to check');
});

test('a body nested 100 000 deep is walked without overflowing the stack', () => {
  let deep: unknown = 'x\u0000';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.match(findNul(deep)!, /^(\/0){100000}$/);
});
