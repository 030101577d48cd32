// The gates of the growth analysis that look at the envelope's whole form
// rather than its trend: a new high (memory not given back before), teeth with
// flat troughs (a slow sawtooth), slowing (a fill), and steps (deploys).
import { median, senSlope } from './robust-stats';
import type { Envelope } from './envelope';

const HOUR = 3_600_000;

/** Growth whose newer half is this much slower than its older half is a fill approaching its plateau. */
const SLOWING = 1 / 2;

/** Theil-Sen slopes of the older and newer halves of [from, to): a leak keeps its pace, a filling cache slows down. */
export function slowing(e: Envelope, from: number, to: number, noise: number, minPoints: number): boolean {
  const m = to - from;
  if (m < minPoints) return false;
  const mid = from + (m >> 1);
  const older = senSlope(e.t, e.v, from, mid + 1);
  const newer = senSlope(e.t, e.v, mid, to);
  const halfMs = (e.t[to - 1]! - e.t[from]!) / 2;
  return older > 0 && newer < SLOWING * older && (older - newer) * halfMs > 2 * noise;
}

/** Two jumps that make this share of the rise make it a staircase: a deploy, a bigger batch, not steady growth. */
const JUMPS_SHARE = 0.7;
let smooth = new Float64Array(256);
let steps = new Float64Array(256);
let spread = new Float64Array(256);

/**
 * Whether the rise over [from, to) is mostly one or two jumps, each far above
 * the point-to-point movement. Measured on a median-of-three smoothing, so a
 * one-bucket spike is no jump. Three steps or more in a window is steady
 * growth by this test (a leak per batch, for instance).
 */
export function stepwise(e: Envelope, from: number, to: number): boolean {
  const m = to - from;
  if (m < 5) return false;
  if (smooth.length < m) {
    smooth = new Float64Array(2 * m);
    steps = new Float64Array(2 * m);
    spread = new Float64Array(2 * m);
  }
  for (let i = 0; i < m; i++) {
    const k = from + i;
    smooth[i] = median3(e.v[Math.max(from, k - 1)]!, e.v[k]!, e.v[Math.min(to - 1, k + 1)]!);
  }
  const rise = smooth[m - 1]! - smooth[0]!;
  if (!(rise > 0)) return false;
  for (let i = 1; i < m; i++) steps[i - 1] = smooth[i]! - smooth[i - 1]!;
  const typical = median(steps, 0, m - 1);
  for (let i = 0; i < m - 1; i++) spread[i] = Math.abs(steps[i]! - typical);
  const sigma = 1.4826 * median(spread, 0, m - 1);
  // The two biggest jumps, if they stand far above the point-to-point movement.
  let first = -Infinity;
  let second = -Infinity;
  for (let i = 0; i < m - 1; i++) {
    const d = steps[i]!;
    if (d > first) {
      second = first;
      first = d;
    } else if (d > second) second = d;
  }
  let jumps = 0;
  for (const d of [first, second]) if (d > typical + 4 * sigma) jumps += d;
  return jumps >= JUMPS_SHARE * rise;
}

/**
 * Whether the fitted level now is above anything the envelope held before and
 * gave back. Points are smoothed (median of three) so one bucket that missed
 * the floor does not count as memory held; the newest three are the level
 * itself. The margin is the line's noise, and a quarter of the largest drop
 * in the window: where memory is given back in teeth (an export built and
 * dropped every hour), the tooth now rising must outgrow the earlier ones by
 * a real part of their height, not by noise, before it is growth.
 */
export function newHigh(e: Envelope, level: number, noise: number): boolean {
  let held = -Infinity;
  let peak = -Infinity;
  let drop = 0;
  for (let i = 0; i < e.n; i++) {
    const v = i === 0 ? Math.min(e.v[0]!, e.v[1] ?? e.v[0]!) : i === e.n - 1 ? e.v[i]! : median3(e.v[i - 1]!, e.v[i]!, e.v[i + 1]!);
    if (v > peak) peak = v;
    else if (peak - v > drop) drop = peak - v;
    if (i < e.n - 3 && v > held) held = v;
  }
  return level > held + Math.max(noise, drop / 4);
}

/**
 * A sawtooth slower than the buckets (an export built and dropped every few
 * minutes, seen through one-second buckets or an hourly batch through minute
 * ones): its envelope is teeth, and the tooth now rising is no leak unless the
 * troughs between teeth rise too. Teeth are drops of at least half the current
 * rise; with two or more in the window, the lowest point of each cycle must
 * climb at the rule's rate.
 */
export function teethWithFlatTroughs(e: Envelope, rise: number, noise: number, minRatePerHour: number): boolean {
  const tall = Math.max(rise / 2, 3 * noise);
  let drops = 0;
  let cycleLow = e.v[0]!;
  let cycleLowT = e.t[0]!;
  let firstLow = NaN;
  let firstLowT = NaN;
  for (let i = 1; i < e.n; i++) {
    if (e.v[i - 1]! - e.v[i]! >= tall) {
      // The first cycle ended: its low is the first trough.
      if (drops === 0) {
        firstLow = cycleLow;
        firstLowT = cycleLowT;
      }
      drops++;
      cycleLow = Infinity;
    }
    if (e.v[i]! < cycleLow) {
      cycleLow = e.v[i]!;
      cycleLowT = e.t[i]!;
    }
  }
  if (drops < 2) return false;
  // The newest trough is the one the current tooth rose from.
  const hours = (cycleLowT - firstLowT) / HOUR;
  return !(hours > 0 && (cycleLow - firstLow) / hours >= minRatePerHour);
}

export function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
