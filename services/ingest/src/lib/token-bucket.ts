// Per-key token buckets: `ratePerSecond` tokens refill continuously up to one
// second's worth (or one request's worth, if a single request is larger).
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number,
  ) {}

  /** Takes `n` tokens; returns 0 when allowed, or the seconds to wait before retrying. */
  take(key: string, n: number): number {
    if (this.ratePerSecond <= 0) return 0;
    const now = this.now();
    const capacity = Math.max(this.ratePerSecond, n);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil((n - bucket.tokens) / this.ratePerSecond));
  }
}
