import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeTicks, valueTicks } from './chart-scale';

const MIB = 1024 * 1024;

test('byte ticks are round MiB and cover the data', () => {
  const axis = valueTicks(381 * MIB, 447 * MIB, 'By');
  assert.deepEqual(axis.ticks.map((t) => t.label), ['380 MiB', '400 MiB', '420 MiB', '440 MiB', '460 MiB']);
  assert.ok(axis.min <= 381 * MIB && axis.max >= 447 * MIB);
});

test('a fractional step keeps its decimals in the labels', () => {
  const labels = valueTicks(400 * MIB, 410 * MIB, 'By').ticks.map((t) => t.label);
  assert.deepEqual(labels, ['400.0 MiB', '402.5 MiB', '405.0 MiB', '407.5 MiB', '410.0 MiB']);
});

test('ratios tick in percent, counts in whole numbers', () => {
  assert.deepEqual(valueTicks(0.4, 0.62, '1').ticks.map((t) => t.label), ['40 %', '50 %', '60 %', '70 %']);
  const fds = valueTicks(11, 13, '{fd}').ticks.map((t) => t.label);
  assert.ok(fds.every((l) => /^\d+$/.test(l)), fds.join(','));
  assert.deepEqual(valueTicks(12_000, 48_000, '{object}').ticks.map((t) => t.label), ['10k', '20k', '30k', '40k', '50k']);
});

test('time ticks fall on whole UTC minutes and hours', () => {
  const from = Date.UTC(2026, 11, 1, 11, 57);
  const labels = timeTicks(from, from + 2 * 3_600_000, 5).map((t) => t.label);
  assert.deepEqual(labels, ['12:00', '12:30', '13:00', '13:30']);
  assert.deepEqual(timeTicks(from, from, 5), []);
});
