// Which shape a floor has over the window: flat, a steady line, a one-time
// step (a cache filled, a deploy, a bigger batch), a ramp that stopped (a leak
// that was fixed, a cache that filled), a ramp that started at some point (a
// leak that began mid-run), or one that started and stopped. Only a line and a
// ramp that started end rising and can be a leak, and the change point is
// when growth started. (A staircase of a step or two is told from growth by
// the growth analysis itself, on the rising part.)
//
// Each shape is a least-squares fit chosen by BIC. Every change point costs
// O(1) with prefix sums, so a 60-point window costs a few hundred evaluations.
// A change point is charged more than an ordinary parameter: searching every
// position for the best one fits noise, and a shape flapping between rounds
// would reset a pending alert.
import { medianInPlace } from './robust-stats';

export type Shape = 'flat' | 'line' | 'step' | 'ramp-then-flat' | 'flat-then-ramp' | 'ramp-stopped';

export interface ShapeFit {
  shape: Shape;
  /** Index where the last part starts (step, ramps); 0 for flat and line. */
  knot: number;
  /** Sign and size of the rising part's least-squares slope, in value units per ms (0 for flat and step). */
  slope: number;
  /** BIC of each shape, for tests and tuning. */
  bic: Record<Shape, number>;
  /** Where the best flat-then-ramp starts, whichever shape won: a line's growth may have begun there. */
  rampKnot: number;
}

/** Least points on each side of a change point. */
const MIN_SIDE = 2;
/** A change point's cost in BIC, in units of ln(n), on top of the levels/slopes it brings. */
export const CHANGE_POINT_COST = 2;

// Prefix sums of x, x², y, xy, y² (x, y normalised to [0, 1]); module scratch, grown on demand.
let SX = new Float64Array(256);
let SXX = new Float64Array(256);
let SY = new Float64Array(256);
let SXY = new Float64Array(256);
let SYY = new Float64Array(256);

let clipped = new Float64Array(256);
let diffs = new Float64Array(256);
/** An upward outlier stands this many σ (from first differences) above its neighbours' median. */
const OUTLIER_SIGMAS = 4;

/**
 * The floor with isolated upward outliers clipped: a point above the level on
 * both sides of it (the mean of two neighbours each side) by OUTLIER_SIGMAS,
 * as a bucket that missed the sawtooth's bottom is. Least squares would
 * otherwise spend its fit on them, hiding a slow rise under a few tall points.
 * Only upward (a floor's noise is one-sided, and a warm-up's tail below the
 * floor is information), and never the first point of a new level, which is
 * above the old level but not above the new one.
 */
function clipUpward(v: ArrayLike<number>, n: number): Float64Array {
  if (clipped.length < n) {
    clipped = new Float64Array(2 * n);
    diffs = new Float64Array(2 * n);
  }
  for (let i = 1; i < n; i++) diffs[i - 1] = Math.abs(v[i]! - v[i - 1]!);
  const sigma = (1.4826 * medianInPlace(diffs, n - 1)) / Math.SQRT2;
  for (let i = 0; i < n; i++) {
    // Only where both sides are known: at the window's ends a rise and an outlier look alike.
    if (i < 2 || i + 2 >= n) {
      clipped[i] = v[i]!;
      continue;
    }
    const around = Math.max((v[i - 1]! + v[i - 2]!) / 2, (v[i + 1]! + v[i + 2]!) / 2);
    clipped[i] = v[i]! > around + OUTLIER_SIGMAS * sigma ? around : v[i]!;
  }
  return clipped;
}

/** Residual sum of squares of a constant over points [a, b). */
function rssFlat(a: number, b: number): number {
  const sy = SY[b]! - SY[a]!;
  return SYY[b]! - SYY[a]! - (sy * sy) / (b - a);
}

/**
 * The best shape for (t, v)[0..n). `resolution` is the smallest difference that
 * means anything in v (a page of memory, one descriptor): it keeps an exact fit
 * (synthetic series, constant counts) from scoring infinitely well.
 */
export function fitShape(t: ArrayLike<number>, raw: ArrayLike<number>, n: number, resolution: number): ShapeFit {
  const v = n >= 5 ? clipUpward(raw, n) : raw;
  const bic: Record<Shape, number> = { flat: Infinity, line: Infinity, step: Infinity, 'ramp-then-flat': Infinity, 'flat-then-ramp': Infinity, 'ramp-stopped': Infinity };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (v[i]! < lo) lo = v[i]!;
    if (v[i]! > hi) hi = v[i]!;
  }
  const range = hi - lo;
  if (n < 2 * MIN_SIDE + 1 || !(range > resolution)) return { shape: 'flat', knot: 0, slope: 0, bic: { ...bic, flat: 0 }, rampKnot: 0 };

  // Normalised to [0, 1] in time and value, so the sums stay well conditioned.
  const t0 = t[0]!;
  const span = t[n - 1]! - t0 || 1;
  if (SX.length < n + 1) {
    SX = new Float64Array(2 * n + 2);
    SXX = new Float64Array(2 * n + 2);
    SY = new Float64Array(2 * n + 2);
    SXY = new Float64Array(2 * n + 2);
    SYY = new Float64Array(2 * n + 2);
  }
  for (let i = 0; i < n; i++) {
    const x = (t[i]! - t0) / span;
    const y = (v[i]! - lo) / range;
    SX[i + 1] = SX[i]! + x;
    SXX[i + 1] = SXX[i]! + x * x;
    SY[i + 1] = SY[i]! + y;
    SXY[i + 1] = SXY[i]! + x * y;
    SYY[i + 1] = SYY[i]! + y * y;
  }
  const sx = SX[n]!;
  const sxx = SXX[n]!;
  const sy = SY[n]!;
  const total = SYY[n]! - (sy * sy) / n;

  // Per shape, the penalty is fixed: find each one's least residual, score once.
  const lineVxx = sxx - (sx * sx) / n;
  const lineVxy = SXY[n]! - (sx * sy) / n;
  const lineSlope = lineVxx > 1e-15 ? lineVxy / lineVxx : 0;
  const lineRss = lineVxx > 1e-15 ? total - lineVxy * lineSlope : total;
  let stepRss = Infinity;
  let stepKnot = 0;
  let rampFlatRss = Infinity;
  let rampFlatKnot = 0;
  let rampFlatSlope = 0;
  let flatRampRss = Infinity;
  let flatRampKnot = 0;
  let flatRampSlope = 0;
  for (let k = MIN_SIDE; k <= n - MIN_SIDE; k++) {
    const r = rssFlat(0, k) + rssFlat(k, n);
    if (r < stepRss) {
      stepRss = r;
      stepKnot = k;
    }
    const m = n - k; // points at or after the knot
    if (m < MIN_SIDE + 1) continue;
    const tau = (t[k]! - t0) / span;
    const syTail = sy - SY[k]!;
    // Rising (or falling) until the knot, flat after: x = min(t, τ).
    let ax = SX[k]! + m * tau;
    let axx = SXX[k]! + m * tau * tau;
    let axy = SXY[k]! + tau * syTail;
    let vxx = axx - (ax * ax) / n;
    let vxy = axy - (ax * sy) / n;
    if (vxx > 1e-15 && total - (vxy * vxy) / vxx < rampFlatRss) {
      rampFlatRss = total - (vxy * vxy) / vxx;
      rampFlatKnot = k;
      rampFlatSlope = vxy / vxx;
    }
    // Flat until the knot, rising after: x = max(t − τ, 0).
    const sxTail = sx - SX[k]!;
    ax = sxTail - m * tau;
    axx = sxx - SXX[k]! - 2 * tau * sxTail + m * tau * tau;
    axy = SXY[n]! - SXY[k]! - tau * syTail;
    vxx = axx - (ax * ax) / n;
    vxy = axy - (ax * sy) / n;
    if (vxx > 1e-15 && total - (vxy * vxy) / vxx < flatRampRss) {
      flatRampRss = total - (vxy * vxy) / vxx;
      flatRampKnot = k;
      flatRampSlope = vxy / vxx;
    }
  }
  // A leak that began and stopped inside the window: flat, ramp, flat. The ramp starts where the best
  // flat-then-ramp does; only where it stopped is searched.
  let stoppedRss = Infinity;
  let stoppedKnot = 0;
  if (flatRampKnot && flatRampSlope > 0) {
    const k1 = flatRampKnot;
    const t1 = (t[k1]! - t0) / span;
    for (let k2 = k1 + MIN_SIDE + 1; k2 <= n - MIN_SIDE - 1; k2++) {
      const t2 = (t[k2]! - t0) / span;
      const m = k2 - k1;
      const rest = n - k2;
      const sxRamp = SX[k2]! - SX[k1]!;
      const ax = sxRamp - m * t1 + rest * (t2 - t1);
      const axx = SXX[k2]! - SXX[k1]! - 2 * t1 * sxRamp + m * t1 * t1 + rest * (t2 - t1) * (t2 - t1);
      const axy = SXY[k2]! - SXY[k1]! - t1 * (SY[k2]! - SY[k1]!) + (t2 - t1) * (sy - SY[k2]!);
      const vxx = axx - (ax * ax) / n;
      const vxy = axy - (ax * sy) / n;
      if (vxx > 1e-15 && total - (vxy * vxy) / vxx < stoppedRss) {
        stoppedRss = total - (vxy * vxy) / vxx;
        stoppedKnot = k2;
      }
    }
  }

  const floorVar = (resolution / range) ** 2 / 12;
  const logN = Math.log(n);
  const score = (rss: number, params: number, knots: number) => n * Math.log(Math.max(0, rss) / n + floorVar) + (params + knots * CHANGE_POINT_COST) * logN;
  bic.flat = score(total, 1, 0);
  bic.line = score(lineRss, 2, 0);
  bic.step = score(stepRss, 2, 1);
  bic['ramp-then-flat'] = score(rampFlatRss, 2, 1);
  bic['flat-then-ramp'] = score(flatRampRss, 2, 1);
  bic['ramp-stopped'] = score(stoppedRss, 2, 2);
  let shape: Shape = 'flat';
  for (const s of ['line', 'step', 'ramp-then-flat', 'flat-then-ramp', 'ramp-stopped'] as const) if (bic[s] < bic[shape]) shape = s;
  const knots: Record<Shape, number> = { flat: 0, line: 0, step: stepKnot, 'ramp-then-flat': rampFlatKnot, 'flat-then-ramp': flatRampKnot, 'ramp-stopped': stoppedKnot };
  const knot = knots[shape];
  const slope = shape === 'line' ? lineSlope : shape === 'ramp-then-flat' ? rampFlatSlope : shape === 'flat-then-ramp' ? flatRampSlope : 0;
  return { shape, knot, slope: (slope * range) / span, bic, rampKnot: flatRampSlope > 0 ? flatRampKnot : 0 };
}

/** Whether the shape ends rising, and where that rise starts. */
export function risingTail(fit: ShapeFit): { rising: boolean; from: number } {
  if (fit.shape === 'line') return { rising: fit.slope > 0, from: 0 };
  if (fit.shape === 'flat-then-ramp') return { rising: fit.slope > 0, from: fit.knot };
  return { rising: false, from: fit.knot };
}
