// Group commit for ingest: batches arriving within `flushIntervalMs` of each
// other are written in one transaction with one COPY, and each request is
// answered when that transaction commits. Fewer, larger transactions are what
// let HTTP ingest approach the raw COPY rate.
//
// Every wait is bounded: a batch that has not committed within
// `commitTimeoutMs` is answered 503 (its retry is safe: the (instance, seq)
// key makes a late commit and the retry one set of rows), and past
// `maxQueuedRows` new batches are refused at once, so a slow PostgreSQL
// cannot grow the queue without limit.
//
// Bulk batches (over `bulkBytes` of COPY data, a backfill or a flood of
// maximal bodies) are written alone, at most `maxBulkFlushes` at a time, and
// small ones never wait in a group behind them: a one-row batch that joined a
// 10,000-row group waited for its COPY, and one project's bulk writes in
// parallel could take every core PostgreSQL has.
import type pg from 'pg';
import { BULK_COPY_BYTES, isUniqueViolation, writeSampleGroup, type WriteJob, type WriteOutcome } from '../queries/write-sample-group';
import { isDataError } from './database-errors';
import { DatabaseUnavailableError } from './errors';

interface Pending {
  job: WriteJob;
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
  queued: boolean;
}

export interface SampleWriterOptions {
  pool: pg.Pool;
  flushIntervalMs: number;
  maxConcurrentFlushes: number;
  maxRowsPerFlush: number;
  /** A batch with more COPY bytes than this is bulk (default BULK_COPY_BYTES, where writes stop being pipelined). */
  bulkBytes?: number;
  /** Bulk batches being written at once (default 1). */
  maxBulkFlushes?: number;
  /** 0 = wait as long as the database does. */
  commitTimeoutMs?: number;
  maxQueuedRows?: number;
  onFlush?: (seconds: number, jobs: number) => void;
}

export class WriterClosedError extends Error {}

/** PostgreSQL refused this batch's own rows (a data error): resending it cannot help. */
export class BatchRefusedError extends Error {
  constructor(
    readonly job: WriteJob,
    readonly cause: Error & { code?: string },
  ) {
    super(`PostgreSQL refused the samples of batch seq ${job.seq} (SQLSTATE ${cause.code}): ${cause.message}`);
  }
}

export class SampleWriter {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight = 0;
  private bulkInflight = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: SampleWriterOptions) {}

  /** Resolves when `job` is committed; rejects with DatabaseUnavailableError past `timeoutMs` (default commitTimeoutMs). */
  write(job: WriteJob, timeoutMs = this.opts.commitTimeoutMs): Promise<WriteOutcome> {
    if (this.closed) return Promise.reject(new WriterClosedError('ingest is shutting down'));
    const cap = this.opts.maxQueuedRows ?? Infinity;
    if (this.queue.length > 0 && this.queuedRows + job.rowCount > cap) {
      return Promise.reject(new DatabaseUnavailableError(`the commit queue holds ${this.queuedRows} rows (cap ${cap})`, 2));
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = <A>(fn: (a: A) => void) => (a: A) => {
        clearTimeout(timer);
        fn(a);
      };
      const p: Pending = { job, resolve: done(resolve), reject: done(reject), queued: true };
      if (timeoutMs) timer = setTimeout(() => this.expire(p, timeoutMs), timeoutMs);
      this.queue.push(p);
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

  /** A batch past its bound: answered 503 now; one still queued is not written at all. */
  private expire(p: Pending, timeoutMs: number): void {
    if (p.queued) {
      this.queue.splice(this.queue.indexOf(p), 1);
      this.queuedRows -= p.job.rowCount;
      p.queued = false;
    }
    p.reject(new DatabaseUnavailableError(`batch seq ${p.job.seq} not committed within ${Math.round(timeoutMs)} ms`));
    // A promise settles once: the commit's own answer, if it ever comes, is ignored.
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

  /** Starts flushes while there are free slots: all small batches queued (as one group), then one bulk batch. */
  private startFlush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 && this.inflight < this.opts.maxConcurrentFlushes) {
      const group = this.takeSmall() ?? this.takeBulk();
      if (!group) return; // only bulk batches wait, and the bulk lane is full: a finishing bulk flush picks them up
      const bulk = this.isBulk(group[0]!);
      for (const p of group) {
        p.queued = false;
        this.queuedRows -= p.job.rowCount;
      }
      this.inflight++;
      if (bulk) this.bulkInflight++;
      void this.flush(group).finally(() => {
        this.inflight--;
        if (bulk) this.bulkInflight--;
        if (this.queue.length > 0) this.schedule();
        if (this.inflight === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
      });
    }
  }

  private isBulk(p: Pending): boolean {
    return p.job.copy.byteLength > (this.opts.bulkBytes ?? BULK_COPY_BYTES);
  }

  /** Small batches in arrival order, up to maxRowsPerFlush rows (at least one), taken out of the queue. */
  private takeSmall(): Pending[] | undefined {
    const group: Pending[] = [];
    let rows = 0;
    const rest: Pending[] = [];
    for (const p of this.queue) {
      if (!this.isBulk(p) && (group.length === 0 || rows + p.job.rowCount <= this.opts.maxRowsPerFlush)) {
        group.push(p);
        rows += p.job.rowCount;
      } else rest.push(p);
    }
    if (group.length === 0) return undefined;
    this.queue = rest;
    return group;
  }

  /** The oldest bulk batch, alone, when the bulk lane has room. */
  private takeBulk(): Pending[] | undefined {
    if (this.bulkInflight >= (this.opts.maxBulkFlushes ?? 1)) return undefined;
    const i = this.queue.findIndex((p) => this.isBulk(p));
    return i < 0 ? undefined : this.queue.splice(i, 1);
  }

  private async flush(group: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const outcomes = await writeSampleGroup(this.opts.pool, group.map((p) => p.job));
      group.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (err) {
      if (isUniqueViolation(err)) {
        // A batch repeated timestamps already stored under another seq. Retry
        // one by one, skipping existing rows, so it cannot fail its neighbours.
        for (const p of group) await this.writeAlone(p, true);
      } else if (isDataError(err) && group.length > 1) {
        // One member's rows may be what PostgreSQL refused: a whole failed
        // group used to fail every project in it (15-20 of 50 valid batches
        // answered 500). Each alone now, so only the guilty one fails.
        for (const p of group) await this.writeAlone(p, false);
      } else {
        // The connection or the server failed: every member is retryable (503).
        group.forEach((p) => p.reject(group.length === 1 && isDataError(err) ? new BatchRefusedError(p.job, err as Error) : err));
      }
    } finally {
      this.opts.onFlush?.((performance.now() - started) / 1000, group.length);
    }
  }

  private async writeAlone(p: Pending, tolerateExisting: boolean): Promise<void> {
    try {
      p.resolve((await writeSampleGroup(this.opts.pool, [p.job], { tolerateExisting }))[0]!);
    } catch (err) {
      if (!tolerateExisting && isUniqueViolation(err)) return this.writeAlone(p, true);
      p.reject(isDataError(err) && !isUniqueViolation(err) ? new BatchRefusedError(p.job, err as Error) : err);
    }
  }
}
