/** The p-th percentile of xs by rank (no interpolation); NaN when empty. */
export function percentile(xs: number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
}
