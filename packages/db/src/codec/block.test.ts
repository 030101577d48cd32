// The codec decodes to exactly what was written, bit for bit, on memory-like
// columns (levels, leaks, sawtooths, ratios, nulls, extremes) and random
// doubles; and it is small where memory data is regular.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBlock, encodeBlock, type Block } from './block';

const bits = (v: number | null) => {
  if (v === null) return 'null';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return `${view.getUint32(0).toString(16)}:${view.getUint32(4).toString(16)}`;
};

function roundTrip(block: Block): number {
  const bytes = encodeBlock(block);
  const back = decodeBlock(bytes);
  assert.deepEqual(back.ts, block.ts);
  assert.equal(back.columns.length, block.columns.length);
  block.columns.forEach((c, k) => assert.deepEqual(back.columns[k]!.map(bits), c.map(bits), `column ${k}`));
  return bytes.length;
}

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

test('memory-like columns come back bit for bit, and a regular hour costs well under 2 bytes a value', () => {
  const n = 360;
  const ts = Array.from({ length: n }, (_, i) => 1_780_000_000_000 + i * 10_000 + (i % 7 === 3 ? 1 : 0)); // a little jitter
  const columns: (number | null)[][] = [
    ts.map(() => 42), // a constant
    ts.map((_, i) => 100 * 2 ** 20 + i * 4096), // a steady leak
    ts.map((_, i) => 2e7 + ((i % 30) * 1e5)), // a sawtooth
    ts.map((_, i) => 1e8 + i * 3 + Math.floor(random() * 1e4)), // a slow leak under noise
    ts.map((_, i) => 0.5 + 0.25 * Math.sin(i / 20)), // a ratio
    ts.map((_, i) => 4096 * (30_000 + i * 2 + Math.floor(random() * 50))), // RSS in pages
    ts.map((_, i) => (i % 5 === 0 ? null : i)), // gaps
    ts.map(() => null),
  ];
  const size = roundTrip({ ts, columns });
  const perValue = size / (n * columns.length);
  assert.ok(perValue < 2, `${perValue.toFixed(2)} B/value`);
});

test('extremes and random doubles: zero and negative zero, tiny, huge, negative, fractional, one sample, none', () => {
  roundTrip({ ts: [], columns: [[], []] });
  roundTrip({ ts: [5], columns: [[1.5], [3], [null]] });
  const ts = Array.from({ length: 200 }, (_, i) => i * 1000);
  const doubles = ts.map(() => {
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(0, Math.floor(random() * 2 ** 32) & 0x7fefffff); // finite: exponent below all ones
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    return view.getFloat64(0) * (random() < 0.5 ? -1 : 1);
  });
  roundTrip({
    ts,
    columns: [
      doubles,
      ts.map((_, i) => [0, -0, 5e-324, -1.7976931348623157e308, 2 ** 49, -(2 ** 49), 2 ** 60, 0.1][i % 8]!),
      ts.map((_, i) => (i % 2 ? -i * 1e9 : i * 1e9)),
      ts.map((_, i) => Math.floor(random() * 2 ** 49) * (i % 3 ? 1 : -1)),
    ],
  });
});
