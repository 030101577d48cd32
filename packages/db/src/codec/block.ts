// The compact form of one block of samples (an instance's rows of one metric
// set over an hour): a time-series codec in the family of Gorilla and
// Prometheus's XOR chunks, lossless to the bit.
//
// - Timestamps: the first in full, then delta-of-delta: a regular agent
//   interval costs one bit a sample.
// - A column of integers (bytes, counts, fds: what most memory metrics are)
//   is coded as first or second differences, whichever is smaller for that
//   column, with their common power of two shifted out (RSS moves in pages):
//   a flat level or a steady leak costs one bit a sample, a noisy one about
//   the width of its noise.
// - Any other column (ratios, seconds) is coded as the XOR of each float64
//   with the one before, storing only its meaningful bits (Gorilla).
// - A column with nulls carries a presence bit per row.
import { BitReader, BitWriter } from './bits';

const enum Mode { Delta1 = 0, Delta2 = 1, Xor = 2, AllNull = 3 }
const MAX_INT = 2 ** 49; // second differences of such integers, zigzagged, stay exact in a double

export interface Block {
  /** unix ms, ascending */
  ts: number[];
  /** One array per metric of the set, as long as ts. */
  columns: (number | null)[][];
}

const bitLength = (z: number) => (z === 0 ? 0 : z < 2 ** 32 ? 32 - Math.clz32(z) : 64 - Math.clz32(Math.floor(z / 2 ** 32)));
const zigzag = (d: number) => (d >= 0 ? 2 * d : -2 * d - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Integers of any sign: '0' for zero; else '1', then '0' + the previous width, or '1' + a new 6-bit width + the bits. */
function writeInts(w: BitWriter, xs: number[]): void {
  let width = 0;
  for (const x of xs) {
    const z = zigzag(x);
    if (z === 0) {
      w.bit(false);
      continue;
    }
    w.bit(true);
    const n = bitLength(z);
    // Reuse the window while the value fits and wastes under 6 bits; else open a new one.
    if (n <= width && width - n < 6) w.bit(false);
    else {
      w.bit(true);
      w.write(n, 6);
      width = n;
    }
    w.writeUint(z, width);
  }
}

/** The largest power of two every number divides by (as an exponent, at most 48): page-sized RSS loses 12 bits a value. */
function commonShift(xs: number[]): number {
  let shift = 48;
  for (const x of xs) {
    if (x === 0) continue;
    let k = 0;
    for (let a = Math.abs(x); k < shift && a % 2 === 0; a /= 2) k++;
    shift = k;
    if (shift === 0) break;
  }
  return xs.some((x) => x !== 0) ? shift : 0;
}

/** A shift, then the numbers divided by 2^shift (exact: each is a multiple of it). */
function writeScaledInts(w: BitWriter, xs: number[]): void {
  const shift = commonShift(xs);
  w.write(shift, 6);
  writeInts(w, shift ? xs.map((x) => x / 2 ** shift) : xs);
}

function readScaledInts(r: BitReader, count: number): number[] {
  const shift = r.read(6);
  const xs = readInts(r, count);
  return shift ? xs.map((x) => x * 2 ** shift) : xs;
}

function readInts(r: BitReader, count: number): number[] {
  const out: number[] = [];
  let width = 0;
  for (let i = 0; i < count; i++) {
    if (!r.bit()) {
      out.push(0);
      continue;
    }
    if (r.bit()) width = r.read(6);
    out.push(unzigzag(r.readUint(width)));
  }
  return out;
}

const differences = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);
/** First differences, then their differences: n − 1 numbers for n values (the first difference, then second differences). */
const secondDifferences = (xs: number[]) => {
  const d1 = differences(xs);
  return d1.length ? [d1[0]!, ...differences(d1)] : [];
};
const sums = (first: number, ds: number[]) => ds.reduce<number[]>((acc, d) => (acc.push(acc.at(-1)! + d), acc), [first]);

function writeXor(w: BitWriter, xs: number[]): void {
  const view = new DataView(new ArrayBuffer(8));
  let prevHi = 0;
  let prevLo = 0;
  let lead = -1;
  let trail = 0;
  xs.forEach((x, i) => {
    view.setFloat64(0, x);
    const hi = view.getUint32(0);
    const lo = view.getUint32(4);
    if (i === 0) w.write64(hi, lo, 64);
    else {
      const xh = (hi ^ prevHi) >>> 0;
      const xl = (lo ^ prevLo) >>> 0;
      if (xh === 0 && xl === 0) w.bit(false);
      else {
        w.bit(true);
        const l = xh ? Math.clz32(xh) : 32 + Math.clz32(xl);
        const t = xl ? 31 - Math.clz32(xl & -xl) : 32 + 31 - Math.clz32(xh & -xh);
        const reuse = lead >= 0 && l >= lead && t >= trail;
        w.bit(!reuse);
        if (!reuse) {
          lead = Math.min(l, 31);
          trail = t;
          w.write(lead, 5);
          w.write(64 - lead - trail - 1, 6);
        }
        writeShifted(w, xh, xl, trail, 64 - lead - trail);
      }
    }
    prevHi = hi;
    prevLo = lo;
  });
}

/** Writes `n` bits of hi:lo after shifting it right by `shift`. */
function writeShifted(w: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  let h = hi;
  let l = lo;
  if (shift >= 32) [h, l] = [0, hi >>> (shift - 32)];
  else if (shift > 0) [h, l] = [hi >>> shift, ((lo >>> shift) | (hi << (32 - shift))) >>> 0];
  w.write64(h, l, n);
}

function readXor(r: BitReader, count: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  let hi = 0;
  let lo = 0;
  let lead = 0;
  let trail = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0) [hi, lo] = r.read64(64);
    else if (r.bit()) {
      if (r.bit()) {
        lead = r.read(5);
        trail = 64 - lead - (r.read(6) + 1);
      }
      let [h, l] = r.read64(64 - lead - trail);
      // Shift the meaningful bits back into place.
      if (trail >= 32) [h, l] = [l << (trail - 32), 0];
      else if (trail > 0) [h, l] = [((h << trail) | (l >>> (32 - trail))) >>> 0, (l << trail) >>> 0];
      hi = (hi ^ h) >>> 0;
      lo = (lo ^ l) >>> 0;
    }
    view.setUint32(0, hi);
    view.setUint32(4, lo);
    out.push(view.getFloat64(0));
  }
  return out;
}

function writeColumn(w: BitWriter, column: (number | null)[]): void {
  const present = column.filter((v): v is number => v !== null);
  if (present.length === 0) return w.write(Mode.AllNull, 2);
  const ints = present.every((v) => Number.isInteger(v) && Math.abs(v) <= MAX_INT && !Object.is(v, -0));
  let mode = Mode.Xor;
  let body = new BitWriter();
  if (ints) {
    const d1 = differences(present);
    const one = new BitWriter();
    writeScaledInts(one, d1);
    const two = new BitWriter();
    writeScaledInts(two, secondDifferences(present));
    [mode, body] = one.bitLength <= two.bitLength ? [Mode.Delta1, one] : [Mode.Delta2, two];
  } else writeXor(body, present);
  w.write(mode, 2);
  const gaps = present.length < column.length;
  w.bit(gaps);
  if (gaps) for (const v of column) w.bit(v !== null);
  if (mode !== Mode.Xor) w.writeUint(zigzag(present[0]!), 53);
  const bits = body.bitLength; // before finish() pads it to a byte
  const r = new BitReader(body.finish());
  w.writeUint(bits, 32);
  for (let left = bits; left > 0; left -= Math.min(32, left)) w.write(r.read(Math.min(32, left)), Math.min(32, left));
}

function readColumn(r: BitReader, rows: number): (number | null)[] {
  const mode = r.read(2) as Mode;
  if (mode === Mode.AllNull) return new Array<null>(rows).fill(null);
  const presence = r.bit() ? Array.from({ length: rows }, () => r.bit()) : new Array<boolean>(rows).fill(true);
  const count = presence.filter(Boolean).length;
  const first = mode === Mode.Xor ? 0 : unzigzag(r.readUint(53));
  r.readUint(32); // the body's length: lets a reader skip a column it does not want
  let values: number[];
  if (mode === Mode.Xor) values = readXor(r, count);
  else {
    const ds = readScaledInts(r, count - 1);
    values = sums(first, mode === Mode.Delta1 ? ds : sums(ds[0] ?? 0, ds.slice(1)));
  }
  let k = 0;
  return presence.map((p) => (p ? values[k++]! : null));
}

export function encodeBlock(block: Block): Uint8Array {
  const w = new BitWriter();
  const n = block.ts.length;
  w.writeUint(n, 32);
  w.write(block.columns.length, 16);
  if (n > 0) {
    w.writeUint(block.ts[0]!, 53);
    writeInts(w, secondDifferences(block.ts));
  }
  for (const c of block.columns) writeColumn(w, c);
  return w.finish();
}

export function decodeBlock(bytes: Uint8Array): Block {
  const r = new BitReader(bytes);
  const n = r.readUint(32);
  const width = r.read(16);
  let ts: number[] = [];
  if (n > 0) {
    const first = r.readUint(53);
    const dods = readInts(r, n - 1);
    ts = sums(first, dods.length ? sums(dods[0]!, dods.slice(1)) : []);
  }
  const columns = Array.from({ length: width }, () => readColumn(r, n));
  return { ts, columns };
}
