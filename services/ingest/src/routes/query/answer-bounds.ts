// The bound on the points of one query answer (INGEST_QUERY_MAX_POINTS): the
// 400 an answer past it gets, saying the bound and a request within it.
import { InvalidError } from '../../lib/errors';

/** The smallest step in whole seconds that keeps `series` series over the range within `maxPoints`. */
export function stepWithin(maxPoints: number, series: number, fromMs: number, toMs: number): number {
  const perSeries = Math.max(1, Math.floor(maxPoints / series));
  return Math.max(1000, Math.ceil((toMs - fromMs) / perSeries / 1000) * 1000);
}

export function tooManyPoints(maxPoints: number, series: number, fromMs: number, toMs: number, what = 'metric'): InvalidError {
  const step = stepWithin(maxPoints, series, fromMs, toMs);
  return new InvalidError(
    `This answer would hold more than ${maxPoints} points (${series} ${what}${series === 1 ? '' : 's'} × points per ${what}), the most one answer may. ` +
      `Ask with step=${step} or larger (ms per point; from 60000 it reads minute rollups), a shorter range, or fewer ${what}s.`,
    { maxPoints, series, suggestedStepMs: step },
  );
}
