// The page's time range, kept in the URL (?range=6h). Ranges up to an hour
// are read raw and tailed live; longer ones come downsampled by the server
// (about 1,000 points a series) and are refreshed every 30 s.
export const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeName = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeName = '1h';

export function rangeFromQuery(q: URLSearchParams): RangeName {
  const r = q.get('range');
  return r !== null && r in RANGES ? (r as RangeName) : DEFAULT_RANGE;
}

/** Raw samples (step 0) and a live tail for short ranges; the server's default step otherwise. */
export function isLiveTail(range: RangeName): boolean {
  return RANGES[range] <= RANGES['1h'];
}
