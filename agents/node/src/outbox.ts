// Encoded batches waiting to be acknowledged, bounded in bytes. A batch is
// encoded once, with its sequence number, and re-sent byte for byte until
// ingest acknowledges it, so a retry can never be stored twice. Over the cap
// the oldest batches go first and their samples are counted; the count rides
// on the next batch built (`dropped`). Samples never taken (the timer ran a
// whole interval late) are counted the same way. `droppedTotal` is what
// `memsight.agent.dropped_samples` reports.
export interface PendingBatch {
  seq: number;
  body: Buffer;
  samples: number;
  /** The `dropped` count written into this batch: lost with it if it is dropped. */
  reportsDropped: number;
}

export class Outbox {
  private readonly queue: PendingBatch[] = [];
  bytes = 0;
  droppedTotal = 0;
  private droppedUnreported = 0;
  private inFlight: PendingBatch | undefined;

  constructor(private readonly maxBytes: number) {}

  get length(): number {
    return this.queue.length;
  }

  put(batch: PendingBatch): void {
    this.queue.push(batch);
    this.bytes += batch.body.length;
    // Keep at least the newest batch, even if it alone is over the cap. Never the one
    // being sent: ingest may store it, and its samples would then count as dropped too.
    while (this.bytes > this.maxBytes) {
      const oldest = this.queue[0] === this.inFlight ? 1 : 0;
      if (oldest >= this.queue.length - 1) break;
      const old = this.queue.splice(oldest, 1)[0]!;
      this.bytes -= old.body.length;
      this.droppedTotal += old.samples;
      this.droppedUnreported += old.samples + old.reportsDropped;
    }
  }

  /** Samples lost before they were ever taken: reported like dropped ones. */
  countNotTaken(samples: number): void {
    this.droppedTotal += samples;
    this.droppedUnreported += samples;
  }

  peek(): PendingBatch | undefined {
    return this.queue[0];
  }

  /** The oldest batch, kept from being dropped until endSend() or acknowledge(). */
  beginSend(): PendingBatch | undefined {
    return (this.inFlight = this.queue[0]);
  }

  /** The send failed: the batch stays, and may be dropped again. */
  endSend(): void {
    this.inFlight = undefined;
  }

  /** Removes `batch` if it is still the oldest. */
  acknowledge(batch: PendingBatch): void {
    if (this.inFlight === batch) this.inFlight = undefined;
    if (this.queue[0] === batch) {
      this.queue.shift();
      this.bytes -= batch.body.length;
    }
  }

  /**
   * Ingest refused the batch for good (a 4xx other than 429): resending cannot help, so it is removed, and its
   * samples (and the drop count it carried) are reported as dropped on the next batch. A refused batch used to
   * vanish with only a log line.
   */
  refuse(batch: PendingBatch): void {
    const oldest = this.queue[0] === batch;
    this.acknowledge(batch);
    if (!oldest) return;
    this.droppedTotal += batch.samples;
    this.droppedUnreported += batch.samples + batch.reportsDropped;
  }

  /** Empties the outbox, oldest first: for a sender that takes over (the exit sender). */
  takeAll(): PendingBatch[] {
    const all = this.queue.splice(0);
    this.bytes = 0;
    this.inFlight = undefined;
    return all;
  }

  /** Samples dropped since the last call, for the next batch's `dropped` field. */
  takeDropped(): number {
    const n = this.droppedUnreported;
    this.droppedUnreported = 0;
    return n;
  }
}
