// The trend statistics every detector shares: Mann-Kendall (is there a
// monotone trend?), Theil-Sen (how steep, robustly) with Sen's confidence
// interval, and robust noise (MAD). Rank statistics, because floors taken from
// bucket minima are skewed: a bucket that missed the sawtooth's floor is a
// large upward outlier that would drag a least-squares slope.
//
// Series are at most a few hundred points, so the O(n²) pair loops are bounded;
// they write into one module-level scratch buffer instead of allocating per
// call (the evaluator runs them for thousands of instances per round).

let scratch = new Float64Array(8192);

function scratchOf(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(size);
  return scratch;
}

/** Standard normal CDF, from erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

export interface MannKendall {
  /** Concordant minus discordant pairs. */
  s: number;
  /** Var(S) under no trend, corrected for ties (counts and quantised floors tie often). */
  variance: number;
  z: number;
  /** One-sided confidence that the series rises: Φ(z). */
  confidence: number;
}

/** Mann-Kendall trend test on v[from..to) (time-ordered). */
export function mannKendall(v: ArrayLike<number>, from: number, to: number): MannKendall {
  const n = to - from;
  let s = 0;
  let tied = false;
  for (let i = from; i < to - 1; i++) {
    const vi = v[i]!;
    for (let j = i + 1; j < to; j++) {
      const d = v[j]! - vi;
      if (d > 0) s++;
      else if (d < 0) s--;
      else tied = true;
    }
  }
  // Tie groups only when some pair tied (counts do; byte floors rarely).
  let ties = 0;
  if (tied) {
    const sorted = scratchOf(n).subarray(0, n);
    for (let i = 0; i < n; i++) sorted[i] = v[from + i]!;
    sorted.sort();
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && sorted[j] === sorted[i]) j++;
      const g = j - i;
      if (g > 1) ties += g * (g - 1) * (2 * g + 5);
      i = j;
    }
  }
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  if (!(variance > 0)) return { s, variance: 0, z: 0, confidence: 0.5 };
  const z = s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(variance);
  return { s, variance, z, confidence: normalCdf(z) };
}

/**
 * How much serial correlation inflates Var(S): Yue & Wang's (2004) correction,
 * 1 + 2·Σ(1 − k/n)·ρ₁ᵏ, from the lag-1 autocorrelation ρ₁ of the series
 * around its least-squares line. A floor that wanders with traffic moves in
 * long runs, which Mann-Kendall alone reads as a trend; a leak's floor around
 * its line is close to independent noise (factor ≈ 1).
 */
export function serialCorrelationFactor(t: ArrayLike<number>, v: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  if (n < 6) return 1;
  let st = 0;
  let sv = 0;
  for (let i = from; i < to; i++) {
    st += t[i]!;
    sv += v[i]!;
  }
  const mt = st / n;
  const mv = sv / n;
  let stt = 0;
  let stv = 0;
  for (let i = from; i < to; i++) {
    stt += (t[i]! - mt) ** 2;
    stv += (t[i]! - mt) * (v[i]! - mv);
  }
  const b = stt > 0 ? stv / stt : 0;
  let c0 = 0;
  let c1 = 0;
  let prev = NaN;
  for (let i = from; i < to; i++) {
    const r = v[i]! - mv - b * (t[i]! - mt);
    c0 += r * r;
    if (i > from) c1 += r * prev;
    prev = r;
  }
  const rho = c0 > 0 ? c1 / c0 : 0;
  // As Hamed & Rao do, only a significant autocorrelation counts (one-sided 5%): in a short series
  // ρ₁ is noisy, and a chance positive value would take away a real trend's significance.
  if (!(rho > 1.645 / Math.sqrt(n))) return 1;
  let factor = 1;
  let rk = 1;
  for (let k = 1; k < n; k++) {
    rk *= rho;
    if (rk < 1e-4) break;
    factor += 2 * (1 - k / n) * rk;
  }
  return factor;
}

/** k-th smallest (0-based) of a[lo..hi), partially reordering that range (Hoare's selection). */
function select(a: Float64Array, lo: number, hi: number, k: number): number {
  let l = lo;
  let h = hi - 1;
  while (h > l) {
    const pivot = a[(l + h) >> 1]!;
    let i = l;
    let j = h;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const x = a[i]!;
        a[i] = a[j]!;
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) h = j;
    else if (k >= i) l = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Median of a[0..n) (reorders a). */
export function medianInPlace(a: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const hi = select(a, 0, n, n >> 1);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lo) lo = a[i]!; // after select, a[0..n/2) holds the lower half
  return (lo + hi) / 2;
}

/** Median of the values in v[from..to), leaving v untouched. */
export function median(v: ArrayLike<number>, from = 0, to = v.length): number {
  const n = to - from;
  const a = scratchOf(n);
  for (let i = 0; i < n; i++) a[i] = v[from + i]!;
  return medianInPlace(a, n);
}

/** q-quantile (0..1, nearest rank) of v[from..to), leaving v untouched. */
export function quantile(v: ArrayLike<number>, q: number, from = 0, to = v.length): number {
  const n = to - from;
  if (n === 0) return NaN;
  const a = scratchOf(n);
  for (let i = 0; i < n; i++) a[i] = v[from + i]!;
  return select(a, 0, n, Math.min(n - 1, Math.max(0, Math.round(q * (n - 1)))));
}

export interface SenLine {
  /** Theil-Sen slope: the median of pairwise slopes (value units per time unit of t). */
  slope: number;
  /** The line's value at t = tRef. */
  intercept: number;
  tRef: number;
  /** Sen's two-sided confidence interval of the slope at the requested level (NaN when not asked for). */
  slopeLow: number;
  slopeHigh: number;
  /** Robust residual noise: 1.4826 × MAD of the residuals around the line (a Gaussian σ). */
  noise: number;
}

/** Pairwise slopes of (t, v)[from..to) into the scratch; returns how many. */
function pairSlopes(a: Float64Array, t: ArrayLike<number>, v: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to - 1; i++) {
    const ti = t[i]!;
    const vi = v[i]!;
    for (let j = i + 1; j < to; j++) {
      const dt = t[j]! - ti;
      if (dt > 0) a[m++] = (v[j]! - vi) / dt;
    }
  }
  return m;
}

/** The Theil-Sen slope alone (value units per time unit of t). */
export function senSlope(t: ArrayLike<number>, v: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  const a = scratchOf((n * (n - 1)) / 2 + 1);
  const m = pairSlopes(a, t, v, from, to);
  return m === 0 ? 0 : medianInPlace(a, m);
}

/**
 * Theil-Sen line through (t, v)[from..to). With `mkVariance` (the Mann-Kendall
 * variance of the same points), also Sen's confidence interval at `level`;
 * without it the interval is left NaN.
 */
export function theilSen(t: ArrayLike<number>, v: ArrayLike<number>, from: number, to: number, mkVariance?: number, level = 0.95): SenLine {
  const n = to - from;
  const a = scratchOf((n * (n - 1)) / 2 + n);
  const m = pairSlopes(a, t, v, from, to);
  const tRef = t[from]!;
  if (m === 0) return { slope: 0, intercept: median(v, from, to), tRef, slopeLow: NaN, slopeHigh: NaN, noise: 0 };
  const k = m >> 1;
  const upper = select(a, 0, m, k);
  let slope = upper;
  if (m % 2 === 0) {
    let lower = -Infinity;
    for (let i = 0; i < k; i++) if (a[i]! > lower) lower = a[i]!;
    slope = (lower + upper) / 2;
  }
  let slopeLow = NaN;
  let slopeHigh = NaN;
  if (mkVariance !== undefined) {
    // Sen (1968): the interval's ends are the pair slopes ranked (N ∓ C)/2, C = z·√Var(S).
    // After selecting the median, a[0..k) ≤ a[k] ≤ a[k+1..m): each end is selected on its side.
    const c = normalQuantile(1 - (1 - level) / 2) * Math.sqrt(Math.max(0, mkVariance));
    const lowRank = Math.floor((m - c) / 2) - 1;
    const highRank = Math.ceil((m + c) / 2);
    slopeLow = lowRank < 0 ? -Infinity : lowRank >= k ? upper : select(a, 0, k, lowRank);
    slopeHigh = highRank >= m ? Infinity : highRank <= k ? upper : select(a, k + 1, m, highRank);
  }
  // After the pair slopes are read, the scratch is free for the residuals.
  for (let i = 0; i < n; i++) a[i] = v[from + i]! - slope * (t[from + i]! - tRef);
  const intercept = medianInPlace(a, n);
  for (let i = 0; i < n; i++) a[i] = Math.abs(v[from + i]! - intercept - slope * (t[from + i]! - tRef));
  const noise = 1.4826 * medianInPlace(a, n);
  return { slope, intercept, tRef, slopeLow, slopeHigh, noise };
}
