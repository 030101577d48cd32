import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formFromParams, paramFields, paramsFromForm, problemsByField } from './rule-form';

test("a kind's fields come from its contract schema, with types, options and defaults", () => {
  const threshold = paramFields('threshold');
  assert.deepEqual(threshold.map((f) => [f.name, f.input]), [['metric', 'text'], ['op', 'select'], ['value', 'number']]);
  assert.deepEqual(threshold[1]!.options, ['>', '>=', '<', '<=', '==', '!=']);
  const window = paramFields('leak').find((f) => f.name === 'windowSeconds')!;
  assert.deepEqual([window.defaultValue, window.min, window.max], ['7200', 10, 21600]);
});

test('typed values become params: numbers as numbers, blanks left to the defaults', () => {
  assert.deepEqual(paramsFromForm('threshold', { metric: ' process.threads ', op: '>=', value: '64' }), { metric: 'process.threads', op: '>=', value: 64 });
  assert.deepEqual(paramsFromForm('leak', { windowSeconds: '', minConfidence: 'lots' }), { minConfidence: 'lots' });
  assert.deepEqual(formFromParams({ value: 64, op: '>' }), { value: '64', op: '>' });
});

test('API problems land on the field they name', () => {
  assert.deepEqual(problemsByField([{ path: '/params/metric', message: 'not in the catalogue' }, { path: '/forSeconds', message: 'too long' }], 'x'), {
    'params.metric': 'not in the catalogue',
    forSeconds: 'too long',
  });
  assert.deepEqual(problemsByField([], 'Rule refused'), { form: 'Rule refused' });
});
