// The trend line of a series: a Theil–Sen fit (the median of pairwise
// slopes), so a GC sawtooth or one odd sample does not tilt it the way least
// squares would. Shared so the dashboard's chart lines and the API's growth
// rates (release comparison) are the same number. Pure.

export interface Fit {
  /** value per second */
  slope: number;
  /** the fitted value at `t0` (unix seconds) */
  intercept: number;
  t0: number;
}

const MAX_FIT_POINTS = 160; // ~12,700 pairs: instant in a browser, and enough for a median

/** The Theil–Sen line through (x, v), on an even subsample; null with fewer than 3 readings or no time between them. */
export function fitLine(x: number[], v: (number | null)[]): Fit | null {
  const pts: [number, number][] = [];
  for (let i = 0; i < x.length; i++) if (v[i] !== null && v[i] !== undefined && Number.isFinite(v[i]!)) pts.push([x[i]!, v[i]!]);
  if (pts.length < 3) return null;
  const stride = Math.max(1, Math.ceil(pts.length / MAX_FIT_POINTS));
  const sample = pts.filter((_, i) => i % stride === 0);
  if (sample.at(-1) !== pts.at(-1)) sample.push(pts.at(-1)!);
  const slopes: number[] = [];
  for (let i = 0; i < sample.length; i++) {
    for (let j = i + 1; j < sample.length; j++) {
      const dt = sample[j]![0] - sample[i]![0];
      if (dt > 0) slopes.push((sample[j]![1] - sample[i]![1]) / dt);
    }
  }
  if (slopes.length === 0) return null;
  const slope = median(slopes);
  const t0 = sample[0]![0];
  const intercept = median(sample.map(([t, val]) => val - slope * (t - t0)));
  return { slope, intercept, t0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
