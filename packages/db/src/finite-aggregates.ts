// Means and sums of sample values that cannot overflow. Agents may send any
// finite float8, and PostgreSQL raises "value out of range: overflow" when a
// float8 sum passes 1.8e308 (two samples of 1e308 are enough; avg() also
// keeps a sum of squares, which fails from ~1e154). A failed aggregate made
// a chart a 500 and stopped the roller (issue 14).
//
// The values are scaled by 2^-64 before they are added and scaled back after:
// multiplying by a power of two is exact, and rounding commutes with it, so
// for every value above ~1e-288 in magnitude the result is bit for bit what
// avg(v) = sum(v) / count(v) gives, while a sum of up to 2^64 values of any
// finite size stays finite.

/** 2^-64 and 2^64, exact in float8 and in the decimal form PostgreSQL parses. */
export const DOWN_SCALE = 2 ** -64;
export const UP_SCALE = 2 ** 64;
const DOWN = `${DOWN_SCALE}::float8`;
const UP = `${UP_SCALE}::float8`;
/** The largest float8, scaled down: a saturated sum. */
const SCALED_MAX = `${Number.MAX_VALUE * DOWN_SCALE}::float8`;

/** SQL: the mean of `value` over the group, as avg() would give it, without overflow. `value` is SQL we wrote, never input. */
export function meanSql(value: string): string {
  return `(sum((${value}) * ${DOWN}) / nullif(count(${value}), 0) * ${UP})`;
}

/** SQL: the mean of rollup means `mean` weighted by their counts `n` (sum(mean * n) / sum(n)), without overflow. */
export function weightedMeanSql(mean: string, n: string): string {
  return `(sum((${mean}) * ${DOWN} * (${n})) / nullif(sum(${n}), 0) * ${UP})`;
}

/** SQL: the sum of `value`, saturating at ±1.8e308 (the largest float8) instead of failing. */
export function saturatingSumSql(value: string): string {
  return `(least(greatest(sum((${value}) * ${DOWN}), -${SCALED_MAX}), ${SCALED_MAX}) * ${UP})`;
}

/** The mean of finite numbers, as meanSql computes it (the same bits), without overflow. */
export function finiteMean(values: readonly number[]): number {
  let scaled = 0;
  for (const v of values) scaled += v * DOWN_SCALE;
  return (scaled / values.length) * UP_SCALE;
}

/** a + b, held at ±Number.MAX_VALUE rather than becoming Infinity (which JSON cannot carry). */
export function saturatingAdd(a: number, b: number): number {
  return Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, a + b));
}
