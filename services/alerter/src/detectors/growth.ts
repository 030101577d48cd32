// Does an envelope end in steady growth, how fast, and since when? The one
// analysis behind leak, time-to-limit and resource-leak. Cheap gates run
// first: most windows are flat, and their cost is the O(n) shape search.
//
// The shape comes first (is the current regime a line or a ramp that started,
// not a step or a stopped ramp?), then the gates on its rising part, cheapest
// first: long enough; Mann-Kendall confidence, corrected for the serial
// correlation of a wandering floor; a Theil-Sen rate above both rate floors
// (ten times the confidence when barely above them); a rise well above the
// residual noise; a level never held before in the window (memory given back
// once, as a long sawtooth's earlier teeth were, may be given back again); not
// slowing down as a filling cache does; and not one or two jumps (a staircase
// of deploys). Significance alone is never enough: a healthy floor creeps with
// a Mann-Kendall z of 5 at 0.1 MB/h.
import { mannKendall, normalCdf, senSlope, serialCorrelationFactor, theilSen, type SenLine } from './robust-stats';
import { fitShape, risingTail, type Shape } from './shapes';
import { newHigh, slowing, stepwise, teethWithFlatTroughs } from './growth-form';
import type { Envelope } from './envelope';

export interface GrowthGates {
  /** Least Mann-Kendall confidence on the growing part. */
  minConfidence: number;
  /** Least Theil-Sen slope, in the signal's units per hour. */
  minRatePerHour: number;
  /** Least slope as a fraction of the current level, per hour. */
  minRelativeRatePerHour: number;
  /** Least rise over the growing part, in the signal's units. */
  minIncrease: number;
  /** Smallest meaningful difference in the signal (a page, one descriptor). */
  resolution: number;
  /** Level of Sen's interval around the slope, when one is wanted (forecasts). */
  intervalLevel?: number;
  /** Least duration of the growing part (default MIN_GROWTH_MS; rules with a short minSpan pass less, see growthSpanMs). */
  minGrowthMs?: number;
}

export interface Growth {
  shape: Shape;
  /** The envelope ends in steady growth that passed every gate. */
  growing: boolean;
  /** The gate that failed, or 'growing'. */
  reason: string;
  /** Index of the growing part's first point. */
  from: number;
  startMs: number;
  /** Theil-Sen slope on the growing part, units/hour (NaN when the shape does not end rising). */
  ratePerHour: number;
  rateLowPerHour: number;
  rateHighPerHour: number;
  /** Mann-Kendall one-sided confidence on the growing part, corrected for serial correlation. */
  confidence: number;
  /** The fitted value at the newest point. */
  level: number;
  /** Fitted rise over the growing part. */
  rise: number;
  /** Robust residual noise around the fitted line. */
  noise: number;
  line?: SenLine;
}

/** Growth shorter than this is a step or a burst, however steep. */
export const MIN_GROWTH_POINTS = 6;
export const MIN_GROWTH_MS = 10 * 60_000;

/** The least growth duration for a rule: two thirds of its minSpan (10 min at the default 15), never more than MIN_GROWTH_MS. */
export function growthSpanMs(minSpanSeconds: number): number {
  return Math.min(MIN_GROWTH_MS, (2 / 3) * minSpanSeconds * 1000);
}
/** Growth below this multiple of the rate floor is marginal (see judgeSegment). */
export const MARGINAL_RATE = 1.6;
/** The rise must stand this many noise σ above the line's residuals. */
export const NOISE_FACTOR = 3;

const HOUR = 3_600_000;

/** "RSS is rising" for detectors that need RSS flat (fragmentation) or rising (limits): the leak rule's default gates. */
export const RSS_GROWTH: GrowthGates = { minConfidence: 0.99, minRatePerHour: 2 * 2 ** 20, minRelativeRatePerHour: 0.01, minIncrease: 0, resolution: 4096 };

/** A regime after a change point is judged on its own when it is at least this long. */
const MIN_REGIME_POINTS = MIN_GROWTH_POINTS;

interface CurrentShape {
  shape: Shape;
  rising: boolean;
  from: number;
  /** For a line: where a flat-then-ramp would start, the other reading of the same rise. */
  rampFrom: number;
}

/**
 * The shape of the current regime: after a step or a stopped ramp, what came
 * next is fitted on its own, so a warm-up's tail or an old deploy step early
 * in the window does not hide a leak that began after it.
 */
function currentShape(e: Envelope, resolution: number, minGrowthMs: number): CurrentShape {
  let offset = 0;
  for (let depth = 0; ; depth++) {
    const n = e.n - offset;
    const fit = fitShape(e.t.subarray(offset), e.v.subarray(offset), n, resolution);
    const tail = risingTail(fit);
    if (tail.rising || depth === 2 || fit.knot === 0) return { shape: fit.shape, rising: tail.rising, from: offset + tail.from, rampFrom: offset + fit.rampKnot };
    const next = offset + fit.knot;
    if (e.n - next < MIN_REGIME_POINTS || e.t[e.n - 1]! - e.t[next]! < minGrowthMs) return { shape: fit.shape, rising: false, from: next, rampFrom: next };
    offset = next;
  }
}

export function analyseGrowth(e: Envelope, g: GrowthGates): Growth {
  const result: Growth = {
    shape: 'flat',
    growing: false,
    reason: 'shape',
    from: 0,
    startMs: e.t[0] ?? NaN,
    ratePerHour: NaN,
    rateLowPerHour: NaN,
    rateHighPerHour: NaN,
    confidence: 0.5,
    level: e.n ? e.v[e.n - 1]! : NaN,
    rise: 0,
    noise: 0,
  };
  // Cheapest first: a window whose whole range is below the least growth it could show is flat.
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < e.n; i++) {
    if (e.v[i]! < lo) lo = e.v[i]!;
    if (e.v[i]! > hi) hi = e.v[i]!;
  }
  const minGrowthMs = g.minGrowthMs ?? MIN_GROWTH_MS;
  const leastRise = Math.max(g.minIncrease, (g.minRatePerHour * minGrowthMs) / HOUR, g.resolution);
  if (!(hi - lo >= leastRise)) return { ...result, reason: 'range' };

  const tail = currentShape(e, g.resolution, minGrowthMs);
  result.shape = tail.shape;
  result.from = tail.from;
  result.startMs = e.t[tail.from]!;
  if (!tail.rising) return result;
  const first = judgeSegment(e, g, result, tail.from);
  // A line over the whole window dilutes a leak that began inside it: judge the rise from where a ramp would start too.
  if (first.growing || tail.shape !== 'line' || tail.rampFrom <= tail.from || (first.reason !== 'rate' && first.reason !== 'confidence')) return first;
  const second = judgeSegment(e, g, result, tail.rampFrom);
  return second.growing ? second : first;
}

function fail(g: Growth, reason: string): Growth {
  g.reason = reason;
  return g;
}

/** The gates on the growing part [from, n), cheapest first. */
function judgeSegment(e: Envelope, g: GrowthGates, base: Growth, from: number): Growth {
  const result: Growth = { ...base, from, startMs: e.t[from]! };
  const to = e.n;
  const duration = e.t[to - 1]! - e.t[from]!;
  if (to - from < MIN_GROWTH_POINTS || duration < (g.minGrowthMs ?? MIN_GROWTH_MS)) return fail(result, 'short');

  const mk = mannKendall(e.v, from, to);
  const variance = mk.variance * serialCorrelationFactor(e.t, e.v, from, to);
  const z = mk.s === 0 || !(variance > 0) ? 0 : (mk.s - Math.sign(mk.s)) / Math.sqrt(variance);
  result.confidence = normalCdf(z);
  if (result.confidence < g.minConfidence) return fail(result, 'confidence');

  const line = theilSen(e.t, e.v, from, to, g.intervalLevel === undefined ? undefined : variance, g.intervalLevel);
  Object.assign(result, {
    line,
    ratePerHour: line.slope * HOUR,
    rateLowPerHour: line.slopeLow * HOUR,
    rateHighPerHour: line.slopeHigh * HOUR,
    level: line.intercept + line.slope * duration,
    rise: line.slope * duration,
    noise: line.noise,
  });
  const minRate = Math.max(g.minRatePerHour, g.minRelativeRatePerHour * Math.abs(result.level));
  if (!(result.ratePerHour >= minRate) || !(result.ratePerHour > 0)) return fail(result, 'rate');
  // Near the rate floor, chance trends in a short noisy floor are as fast as the leaks worth an alert:
  // there the evidence must be ten times stronger. Fast growth needs no more than the rule's confidence.
  if (result.ratePerHour < MARGINAL_RATE * minRate && 1 - result.confidence > (1 - g.minConfidence) / 10) return fail(result, 'marginal');
  if (result.rise < g.minIncrease || result.rise < NOISE_FACTOR * line.noise) return fail(result, 'noise');
  if (!newHigh(e, result.level, line.noise)) return fail(result, 'given-back');
  if (teethWithFlatTroughs(e, result.rise, line.noise, minRate)) return fail(result, 'teeth');
  if (slowing(e, from, to, line.noise, MIN_GROWTH_POINTS)) return fail(result, 'slowing');
  // The tail of a fill looks like growth for its first points only: without them the pace must still clear the floor.
  const skip = Math.max(2, Math.floor((to - from) / 5));
  if (to - from - skip >= 4 && senSlope(e.t, e.v, from + skip, to) * HOUR < minRate) return fail(result, 'fading');
  if (stepwise(e, from, to)) return fail(result, 'steps');
  result.growing = true;
  result.reason = 'growing';
  return result;
}

/** Theil-Sen and Mann-Kendall on the envelope's points from `fromMs` on: another signal's view of a growth found elsewhere. */
export function trendSince(e: Envelope, fromMs: number): { line: SenLine; ratePerHour: number; confidence: number; level: number } | undefined {
  let from = 0;
  while (from < e.n && e.t[from]! < fromMs) from++;
  if (e.n - from < 4) return undefined;
  const line = theilSen(e.t, e.v, from, e.n);
  const confidence = mannKendall(e.v, from, e.n).confidence;
  return { line, ratePerHour: line.slope * HOUR, confidence, level: line.intercept + line.slope * (e.t[e.n - 1]! - e.t[from]!) };
}

/** The Theil-Sen rate (units/hour) over a whole envelope: the figure other signals report in evidence. */
export function windowRatePerHour(e: Envelope): number {
  if (e.n < 3) return 0;
  // An evidence figure: twenty points are plenty, at a ninth of the pairs of sixty.
  const step = Math.ceil(e.n / 20);
  if (step === 1) return senSlope(e.t, e.v, 0, e.n) * HOUR;
  const t = new Float64Array(Math.ceil(e.n / step));
  const v = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    t[i] = e.t[step * i]!;
    v[i] = e.v[step * i]!;
  }
  return senSlope(t, v, 0, t.length) * HOUR;
}

/** The evidence trend line of a growth: value = intercept + slopePerMs·(t − fromMs). */
export function trendOf(growth: Growth): { slopePerMs: number; intercept: number; fromMs: number } | undefined {
  if (!growth.line) return undefined;
  return { slopePerMs: growth.line.slope, intercept: growth.line.intercept, fromMs: growth.line.tRef };
}
