// Which stored resolution answers a chart, and from which table each part of
// its range is read. Pure: the clock, the roller's progress and the raw
// retention are passed in.
//
// - A step under a minute reads raw samples; from a minute, minute rollups;
//   from half an hour, hour rollups (at least half the points asked for, from
//   60× fewer rows). So a 30-day chart at ~1000 points reads 720 hour rollups,
//   not 43 200 minute ones or 259 200 raw samples; a 7-day chart reads minutes.
// - A rollup's step is rounded up to a whole number of its buckets, aligned
//   to the epoch: every answer bucket is made of whole rollup buckets.
// - Rollups exist for batches the roller has read; the buckets after its
//   progress (the last seconds to minutes) come from raw samples, bucketed
//   the same way, so a chart is never behind the data.
// - A raw read of a range older than raw retention has nothing to read: it
//   moves up to minute rollups.
import type { Resolution, RollupProgress } from '@memsight/db';

export type SeriesResolution = 'raw' | Resolution;
/** `compacted`: raw samples some of which are in compacted blocks (read-compacted-part.ts). */
export type SeriesSource = 'samples' | 'compacted' | 'rollups_1m' | 'rollups_1h';
export type Aggregate = 'avg' | 'min' | 'max' | 'last';

export interface SeriesPart {
  source: SeriesSource;
  fromMs: number;
  toMs: number;
}

export interface SeriesPlan {
  resolution: SeriesResolution;
  /** 0 = raw points, one per sample. */
  stepMs: number;
  parts: SeriesPart[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

export function planSeries(
  q: { fromMs: number; toMs: number; stepMs: number },
  ctx: { nowMs: number; rawRetentionMs: number; progress: RollupProgress },
): SeriesPlan {
  const rawFrom = ctx.nowMs - ctx.rawRetentionMs;
  let resolution: SeriesResolution = q.stepMs >= HOUR / 2 ? '1h' : q.stepMs >= MINUTE ? '1m' : 'raw';
  if (resolution === 'raw' && q.toMs <= rawFrom) resolution = '1m';
  if (resolution === 'raw') return { resolution, stepMs: q.stepMs, parts: [{ source: 'samples', fromMs: q.fromMs, toMs: q.toMs }] };

  const bucketMs = resolution === '1h' ? HOUR : MINUTE;
  const stepMs = Math.max(bucketMs, Math.ceil(q.stepMs / bucketMs) * bucketMs);
  // Answer buckets are aligned to the epoch; the range is widened to whole ones so no bucket is cut in two.
  const fromMs = Math.floor(q.fromMs / stepMs) * stepMs;
  const received = ctx.progress[resolution];
  // A bucket is read from the rollups only when all of it was rolled up; the rest comes from raw samples.
  const boundary = received === undefined ? fromMs : Math.max(fromMs, Math.min(q.toMs, Math.floor(received / stepMs) * stepMs));
  const parts: SeriesPart[] = [];
  if (boundary > fromMs) parts.push({ source: resolution === '1h' ? 'rollups_1h' : 'rollups_1m', fromMs, toMs: boundary });
  if (boundary < q.toMs) parts.push({ source: 'samples', fromMs: boundary, toMs: q.toMs });
  return { resolution, stepMs, parts };
}

/**
 * Marks gaps: where the next point is further than twice the usual spacing
 * (or the step, when larger), a null point after the last one, so a chart
 * breaks its line there instead of drawing one across the missing time.
 */
export function markGaps(points: [number, number | null][], stepMs: number): [number, number | null][] {
  if (points.length < 3) return points;
  const deltas = points.slice(1).map((p, i) => p[0] - points[i]![0]).sort((a, b) => a - b);
  const usual = Math.max(stepMs, deltas[Math.floor(deltas.length / 2)]!);
  const out: [number, number | null][] = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!;
    if (points[i]![0] - prev[0] > 2 * usual && prev[1] !== null) out.push([prev[0] + usual, null]);
    out.push(points[i]!);
  }
  return out;
}

/**
 * Moves the raw reads that reach into compacted days (an instance's compacted
 * samples end at `compactedUntilMs`) to the compacted reader, up to the first
 * bucket boundary after them: a bucket is read whole by one reader.
 */
export function withCompacted(plan: SeriesPlan, compactedUntilMs: number | undefined): SeriesPlan {
  if (compactedUntilMs === undefined) return plan;
  const parts = plan.parts.flatMap((part): SeriesPart[] => {
    if (part.source !== 'samples' || part.fromMs > compactedUntilMs) return [part];
    const after = compactedUntilMs + 1;
    const boundary = Math.min(part.toMs, plan.stepMs > 0 ? Math.ceil(after / plan.stepMs) * plan.stepMs : after);
    const split: SeriesPart[] = [{ source: 'compacted', fromMs: part.fromMs, toMs: boundary }];
    if (boundary < part.toMs) split.push({ source: 'samples', fromMs: boundary, toMs: part.toMs });
    return split;
  });
  return { ...plan, parts };
}
