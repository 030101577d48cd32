import type { SamplesAppended } from '@memsight/contracts';

export type PointsByMetric = Record<string, [number, number | null][]>;

/** Appends live rows to the charted points, keeping time order and dropping points older than `sinceMs`. */
export function mergePoints(prev: PointsByMetric, payload: SamplesAppended, sinceMs: number): PointsByMetric {
  const next: PointsByMetric = { ...prev };
  payload.metrics.forEach((metric, column) => {
    const byTs = new Map((prev[metric] ?? []).map((p) => [p[0], p[1]] as const));
    for (const row of payload.rows) byTs.set(row[0] as number, row[column + 1] ?? null);
    next[metric] = [...byTs].filter(([t]) => t >= sinceMs).sort((a, b) => a[0] - b[0]);
  });
  return next;
}
