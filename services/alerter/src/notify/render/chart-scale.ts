// Axis ticks for the email chart: round steps in the unit a reader thinks in
// (MiB, %, minutes), so a label reads "450 MiB" and not "471859200".
import { byteScale, byteUnitName, type MetricUnit } from './figures';

export interface Tick {
  value: number;
  label: string;
}

/** A 1-2-5 step that gives about `target` intervals over `span`. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const factor = residual > 5 ? 10 : residual > 2.5 ? 5 : residual > 2 ? 2.5 : residual > 1 ? 2 : 1;
  return factor * magnitude;
}

/** The axis domain widened to whole steps, and the ticks on it. */
export function valueTicks(min: number, max: number, unit: MetricUnit, target = 4): { min: number; max: number; ticks: Tick[] } {
  const { divisor, suffix, minStep } = valueAxisUnit(Math.max(Math.abs(min), Math.abs(max)), unit);
  const lo = min / divisor;
  const hi = max / divisor;
  const step = Math.max(minStep, niceStep(hi - lo, target));
  const first = Math.floor(lo / step) * step;
  const last = Math.max(first + step, Math.ceil(hi / step) * step);
  const decimals = decimalsOf(step);
  const ticks: Tick[] = [];
  // Counting in steps (not adding) keeps 0.1 + 0.2 drift out of the labels.
  for (let i = 0; first + i * step <= last + step / 1e6 && i < 50; i++) {
    const v = first + i * step;
    ticks.push({ value: v * divisor, label: `${v.toFixed(decimals)}${suffix}` });
  }
  return { min: first * divisor, max: last * divisor, ticks };
}

/** Digits after the point a step needs: 2.5 → 1, so 402.5 is not labelled "403". */
function decimalsOf(step: number): number {
  return Math.min(6, (String(Number(step.toPrecision(6))).split('.')[1] ?? '').length);
}

function valueAxisUnit(magnitude: number, unit: MetricUnit): { divisor: number; suffix: string; minStep: number } {
  if (unit === 'By') {
    const scale = byteScale(magnitude);
    return { divisor: 1024 ** scale, suffix: ` ${byteUnitName(scale)}`, minStep: scale === 0 ? 1 : 0 };
  }
  if (unit === '1') return { divisor: 0.01, suffix: ' %', minStep: 0 };
  if (unit === 's' || unit === 'ms') {
    const perSecond = unit === 'ms' ? 0.001 : 1;
    return magnitude * perSecond < 1 ? { divisor: 0.001 / perSecond, suffix: ' ms', minStep: 0 } : { divisor: 1 / perSecond, suffix: ' s', minStep: 0 };
  }
  // Counts are whole: no "2.5 threads" tick, and thousands read as "12k".
  if (magnitude >= 1e6) return { divisor: 1e6, suffix: 'M', minStep: 0 };
  if (magnitude >= 1e4) return { divisor: 1e3, suffix: 'k', minStep: 0 };
  return { divisor: 1, suffix: '', minStep: 1 };
}

const MINUTE = 60_000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MINUTE);

/** Ticks on whole UTC minutes/hours/days; labels "HH:MM", or "MM-DD" once ticks are a day or more apart. */
export function timeTicks(fromMs: number, toMs: number, target = 5): Tick[] {
  const span = toMs - fromMs;
  if (!(span > 0)) return [];
  const step = TIME_STEPS.find((s) => span / s <= target) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: Tick[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs && ticks.length < 50; t += step) {
    const iso = new Date(t).toISOString();
    ticks.push({ value: t, label: step >= 1440 * MINUTE ? iso.slice(5, 10) : iso.slice(11, 16) });
  }
  return ticks;
}
