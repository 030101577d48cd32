// Per-key token buckets: `ratePerSecond` tokens refill continuously up to one
// second's worth (or one request's worth, if a single request is larger).
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number,
    /** Told of every admitted take (the replicas' shared limit counts them: lib/usage-exchange.ts). */
    private readonly onAdmit?: (key: string, n: number) => void,
  ) {}

  get enabled(): boolean {
    return this.ratePerSecond > 0;
  }

  /** Takes `n` tokens; returns 0 when allowed, or the seconds to wait before retrying. */
  take(key: string, n: number): number {
    if (this.ratePerSecond <= 0) return 0;
    const bucket = this.refilled(key, Math.max(this.ratePerSecond, n));
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      this.onAdmit?.(key, n);
      return 0;
    }
    return Math.max(1, Math.ceil((n - bucket.tokens) / this.ratePerSecond));
  }

  /**
   * Takes `n` tokens for work whose exact cost is known only later (a body
   * not yet decoded). Like take(), but onAdmit hears nothing until settle().
   */
  reserve(key: string, n: number): number {
    if (this.ratePerSecond <= 0) return 0;
    const bucket = this.refilled(key, Math.max(this.ratePerSecond, n));
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil((n - bucket.tokens) / this.ratePerSecond));
  }

  /**
   * Replaces a reservation of `reserved` tokens by the exact cost `actual`:
   * the difference is refunded or charged (into debt of at most a second's
   * worth), and onAdmit hears `actual`, so the replicas share exact counts.
   */
  settle(key: string, reserved: number, actual: number): void {
    if (this.ratePerSecond <= 0) return;
    const bucket = this.refilled(key, Math.max(this.ratePerSecond, reserved));
    bucket.tokens = Math.min(Math.max(this.ratePerSecond, reserved), Math.max(-this.ratePerSecond, bucket.tokens + reserved - actual));
    if (actual > 0) this.onAdmit?.(key, actual);
  }

  /**
   * Spends `n` tokens taken elsewhere (by another replica, for the same key). The bucket may go into debt, by at
   * most a second's worth, so a key that another replica let through at the full rate waits here too.
   */
  charge(key: string, n: number): void {
    if (this.ratePerSecond <= 0 || n <= 0) return;
    const bucket = this.refilled(key, this.ratePerSecond);
    bucket.tokens = Math.max(-this.ratePerSecond, bucket.tokens - n);
  }

  private refilled(key: string, capacity: number): { tokens: number; at: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }
}
