// Group commit for ingest: batches arriving within `flushIntervalMs` of each
// other are written in one transaction with one COPY, and each request is
// answered when that transaction commits. Fewer, larger transactions are what
// let HTTP ingest approach the raw COPY rate.
import type pg from 'pg';
import { isUniqueViolation, writeSampleGroup, type WriteJob, type WriteOutcome } from '../queries/write-sample-group';

interface Pending {
  job: WriteJob;
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
}

export interface SampleWriterOptions {
  pool: pg.Pool;
  flushIntervalMs: number;
  maxConcurrentFlushes: number;
  maxRowsPerFlush: number;
  onFlush?: (seconds: number, jobs: number) => void;
}

export class WriterClosedError extends Error {}

export class SampleWriter {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: SampleWriterOptions) {}

  write(job: WriteJob): Promise<WriteOutcome> {
    if (this.closed) return Promise.reject(new WriterClosedError('ingest is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.queuedRows += job.rowCount;
      this.schedule();
    });
  }

  /** Stops taking writes, commits what is queued, and waits for every flush. */
  async close(): Promise<void> {
    this.closed = true;
    this.startFlush();
    while (this.inflight > 0 || this.queue.length > 0) {
      await new Promise<void>((r) => this.idleWaiters.push(r));
    }
  }

  private schedule(): void {
    if (this.inflight >= this.opts.maxConcurrentFlushes) return; // a finishing flush picks the queue up
    if (this.queuedRows >= this.opts.maxRowsPerFlush || this.opts.flushIntervalMs === 0 || this.closed) {
      this.startFlush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.startFlush();
    }, this.opts.flushIntervalMs);
  }

  private startFlush(): void {
    if (this.queue.length === 0 || this.inflight >= this.opts.maxConcurrentFlushes) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    let rows = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || rows + this.queue[n]!.job.rowCount <= this.opts.maxRowsPerFlush)) {
      rows += this.queue[n]!.job.rowCount;
      n++;
    }
    const group = this.queue.splice(0, n);
    this.queuedRows -= rows;
    this.inflight++;
    void this.flush(group).finally(() => {
      this.inflight--;
      if (this.queue.length > 0) this.schedule();
      if (this.inflight === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
    });
  }

  private async flush(group: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const outcomes = await writeSampleGroup(this.opts.pool, group.map((p) => p.job));
      group.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (err) {
      if (!isUniqueViolation(err)) {
        group.forEach((p) => p.reject(err));
        return;
      }
      // A batch repeated timestamps already stored under another seq. Retry one
      // by one, skipping existing rows, so it cannot fail its neighbours.
      for (const p of group) {
        try {
          p.resolve((await writeSampleGroup(this.opts.pool, [p.job], { tolerateExisting: true }))[0]!);
        } catch (e) {
          p.reject(e);
        }
      }
    } finally {
      this.opts.onFlush?.((performance.now() - started) / 1000, group.length);
    }
  }
}
