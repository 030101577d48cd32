import { InvalidError } from './errors';

const HOUR_MS = 3_600_000;
const MAX_POINTS = 1000;

// The latest time a JavaScript Date holds (year 275760). PostgreSQL's range is
// wider at that end but not before 4713 BC, and no sample predates 1970, so a
// time outside [0, MAX_TIME_MS] is the client's mistake: a 400, never a
// timestamp overflow inside a query (a 500).
const MAX_TIME_MS = 8.64e15;

export function parseTime(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidError(`Query parameter "${name}" is not a time: use ISO 8601 or unix milliseconds.`);
  if (ms < 0 || ms > MAX_TIME_MS) throw new InvalidError(`Query parameter "${name}" is outside 1970 … year 275760: give a time in that range.`);
  return ms;
}

/** Resolves `from`/`to`/`step` with defaults: the last hour, about 1000 points. */
export function resolveTimeRange(q: { from?: string; to?: string; step?: string }, nowMs: number) {
  const toMs = q.to ? parseTime(q.to, 'to') : nowMs;
  const fromMs = q.from ? parseTime(q.from, 'from') : toMs - HOUR_MS;
  if (fromMs >= toMs) throw new InvalidError('"from" must be before "to".');
  if (toMs - fromMs > 90 * 24 * HOUR_MS) throw new InvalidError('The time range is longer than 90 days; narrow it.');
  const stepMs = q.step !== undefined ? Number(q.step) : Math.max(1000, Math.ceil((toMs - fromMs) / MAX_POINTS / 1000) * 1000);
  if (stepMs === 0 && toMs - fromMs > 24 * HOUR_MS) throw new InvalidError('Raw samples (step=0) are limited to a 24h range.');
  return { fromMs, toMs, stepMs };
}
