// Refusals for rate are answered late. A client that ignores Retry-After and
// resends at once (a flood, or a broken retry loop) was answered in well under
// a millisecond, so it came back 900 times a second and kept ingest's event
// loop busy answering 429s while another project's batches waited
// (bench:isolation). Holding each refusal for up to `delayMs`, with the
// request's body left unread so TCP stops the sender, bounds such a client at
// one request per connection per delay. An agent that honours Retry-After
// waits that long anyway. The holds are bounded: past `maxHeld` at once, a
// refusal is answered at once, so held sockets cannot pile up.

/** A request's body stream: paused, it stops reading the socket once its buffer is full. */
export interface PausableBody {
  pause(): unknown;
}

export class RefusalDelay {
  private held = 0;

  constructor(
    /** 0 = answer refusals at once. */
    private readonly delayMs: number,
    private readonly maxHeld = 1024,
  ) {}

  /** Waits min(delayMs, the Retry-After) with `body` paused, unless too many refusals are already held. */
  async hold(body: PausableBody, retryAfterSeconds: number): Promise<void> {
    const ms = Math.min(this.delayMs, retryAfterSeconds * 1000);
    if (!(ms > 0) || this.held >= this.maxHeld) return;
    this.held++;
    body.pause();
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      this.held--;
    }
  }

  /** Refusals being held now (for tests and metrics). */
  get holding(): number {
    return this.held;
  }
}
