import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparklinePath } from './sparkline';

test('a sparkline spans its box, lowest at the bottom and highest at the top', () => {
  assert.equal(sparklinePath([0, 60_000, 120_000], [10, 30, 20], 100, 22), 'M0.0,21.0 L50.0,1.0 L100.0,11.0');
});

test('a flat series sits in the middle, one reading is a point, none is nothing', () => {
  assert.equal(sparklinePath([0, 60_000], [5, 5], 100, 20), 'M0.0,10.0 L100.0,10.0');
  assert.equal(sparklinePath([0], [5], 100, 20), 'M50.0,10.0');
  assert.equal(sparklinePath([], [], 100, 20), '');
});

test('a gap longer than the allowed one starts a new stroke', () => {
  assert.equal(sparklinePath([0, 60_000, 900_000], [1, 2, 3], 90, 12), 'M0.0,11.0 L6.0,6.0 M90.0,1.0');
});
