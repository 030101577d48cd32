// Runs decodeBatch on worker threads, so inflating, parsing and checking one
// body never stalls the event loop that answers the others and talks to
// PostgreSQL. With zero workers it decodes inline (same results, one thread).
//
// Every request ends: with the worker's answer, or with a 503 when it waits
// too long, its worker dies, or the queue is full, and a 429 when one project
// holds more than its share of the queue. A request that once waited forever
// for a message that never came is the reason (issue 14). A body that took a
// worker down twice is refused with a 422 from then on (poison-bodies.ts).
//
// Requests wait here, not in the workers' message queues: each worker holds
// one at a time, and the next is picked by fair queueing across projects
// (fair-queue.ts). With two or more workers the first is kept for small
// bodies, so a small batch never waits behind a maximal one being decoded
// (a 9.5 MB body holds a worker for about 300 ms), and the others, which
// decode the large ones, run at a lower CPU priority (worker.ts).
import { DecodeUnavailableError, RateLimitedError } from '../lib/errors';
import { decodeBatch, type DecodeRequest, type DecodeResult } from './decode-batch';
import { FairQueue } from './fair-queue';
import { WorkerSlot } from './worker-slot';
import { bodyFingerprint, POISON_MESSAGE, PoisonBodies } from './poison-bodies';

/** Bodies up to this size (as sent) are small: their decode takes a few milliseconds at most. */
export const SMALL_BODY_BYTES = 64 * 1024;
// A small gzip body could still inflate to the full limit (a bomb, or plain
// whitespace): in the small lane it may inflate only this far, and one that
// needs more is queued again for the other workers.
const SMALL_INFLATED_BYTES = 1024 * 1024;
// The smallest bodies are decoded on the main thread, as they arrive: an
// agent's batch takes well under a millisecond to decode, and handing it to a
// worker cost two thread wake-ups, which on a host busy with another
// project's maximal bodies took 6-30 ms (bench:isolation). A gzip one may
// inflate only this far there; one that needs more goes to the workers.
const INLINE_INFLATED_BYTES = 256 * 1024;
/** The nice value of the workers that take large bodies (see lowerThreadPriority in worker.ts). */
const BULK_NICE = 10;

interface Job {
  id: number;
  tenant: string;
  req: DecodeRequest;
  small: boolean;
  fingerprint: string;
  timer: NodeJS.Timeout;
  slot?: WorkerSlot;
  resolve: (r: DecodeResult) => void;
  reject: (e: unknown) => void;
}

export interface DecodePoolOptions {
  /** Worker threads; 0 decodes inline. */
  size: number;
  /** Worker faults for the log: crashes, decode exceptions, restarts. Never sent to clients. */
  onError: (err: unknown) => void;
  /** How long a request may wait for its answer, queued and decoding. */
  timeoutMs?: number;
  /** Requests waiting or decoding, per worker; past it, 503. */
  queuePerWorker?: number;
  /** The fraction of the whole queue one tenant may hold; past it, 429. */
  tenantShare?: number;
  /** Bodies up to this size (as sent) are decoded inline, on the caller's thread; 0 = none. */
  inlineBytes?: number;
  /** Tests swap in a worker that crashes or hangs on demand. */
  workerUrl?: URL;
}

const WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);
// Loading a worker (tsx compiling its modules) took over 10 s on a loaded
// 2-core host: nothing waits longer than this for one to start.
const STARTUP_ALLOWANCE_MS = 60_000;
const POISONED: DecodeResult = { ok: false, error: { status: 422, code: 'undecodable_body', message: POISON_MESSAGE } };

// Refusals made before any decoding (queue full, tenant share, shutting
// down): the request cost next to nothing, so its rate reservation is
// refunded instead of charged (ingest-batch.ts), and the agent's retry is not
// refused again for a cost it never incurred.
const refusals = new WeakSet<object>();
function refusal<E extends Error>(err: E): E {
  refusals.add(err);
  return err;
}
/** True for an error the pool raised before decoding anything. */
export function refusedBeforeDecoding(err: unknown): boolean {
  return typeof err === 'object' && err !== null && refusals.has(err);
}

export class DecodePool {
  private readonly slots: WorkerSlot[] = [];
  private readonly queue = new FairQueue<Job>();
  private readonly jobs = new Map<number, Job>();
  private readonly heldByTenant = new Map<string, number>();
  private readonly poison = new PoisonBodies();
  /** What each busy worker holds, kept past its request's timeout: a hang found later still marks the body. */
  private readonly heldBody = new Map<WorkerSlot, string>();
  private readonly size: number;
  private readonly onError: (err: unknown) => void;
  private readonly timeoutMs: number;
  private readonly capacity: number;
  private readonly tenantLimit: number;
  private readonly workerUrl: URL;
  private readonly inlineBytes: number;
  private nextId = 0;
  private closed = false;

  constructor(opts: DecodePoolOptions) {
    this.size = opts.size;
    this.onError = opts.onError;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.capacity = this.size * (opts.queuePerWorker ?? 64);
    this.tenantLimit = Math.max(1, Math.floor(this.capacity * (opts.tenantShare ?? 0.5)));
    this.workerUrl = opts.workerUrl ?? WORKER_URL;
    this.inlineBytes = opts.inlineBytes ?? 0;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn(i));
  }

  /** Decodes one body; `tenant` (the project) is what fairness and the queue share are counted by. */
  decode(req: DecodeRequest, tenant = ''): Promise<DecodeResult> {
    if (this.size === 0) return Promise.resolve(decodeBatch(req));
    if (this.closed) return Promise.reject(refusal(new DecodeUnavailableError('Ingest is shutting down; retry shortly.')));
    if (req.body.byteLength <= this.inlineBytes) {
      const inline = decodeBatch({ ...req, limitBytes: Math.min(req.limitBytes, INLINE_INFLATED_BYTES) });
      const inflatesFurther = req.gzip && req.limitBytes > INLINE_INFLATED_BYTES && !inline.ok && inline.error.code === 'payload_too_large';
      if (!inflatesFurther) return Promise.resolve(inline);
    }
    const fingerprint = bodyFingerprint(tenant, req.body);
    if (this.poison.isPoison(fingerprint)) return Promise.resolve(POISONED);
    if (this.jobs.size >= this.capacity) {
      return Promise.reject(refusal(new DecodeUnavailableError('Ingest is busy decoding other batches; retry shortly.')));
    }
    const held = this.heldByTenant.get(tenant) ?? 0;
    if (held >= this.tenantLimit) {
      return Promise.reject(
        refusal(new RateLimitedError(`This project already has ${held} batches waiting to be decoded, its share of the queue; send fewer at once and retry after 1s.`, 1)),
      );
    }
    const id = this.nextId++;
    const starting = !this.slots.some((s) => s.ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(id), starting ? STARTUP_ALLOWANCE_MS + this.timeoutMs : this.timeoutMs);
      timer.unref();
      const job: Job = { id, tenant, req, small: req.body.byteLength <= SMALL_BODY_BYTES, fingerprint, timer, resolve, reject };
      this.jobs.set(id, job);
      this.heldByTenant.set(tenant, held + 1);
      this.queue.push(tenant, req.body.byteLength, job);
      this.dispatch();
    });
  }

  /** Resolves when every worker has loaded; rejects if one fails to start. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.readyPromise));
  }

  /** Requests waiting for an answer (for tests and metrics). */
  get inFlight(): number {
    return this.jobs.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.drain();
    for (const id of [...this.jobs.keys()]) this.settle(id)?.reject(new DecodeUnavailableError('Ingest is shutting down; retry shortly.'));
    await Promise.all(this.slots.map((s) => s.terminate()));
  }

  /** Hands queued jobs to idle workers: the first worker (of two or more) takes small bodies only. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.idle) continue;
      const reserved = this.size >= 2 && slot === this.slots[0];
      const job = this.queue.shift(reserved ? (j) => j.small : undefined);
      if (job) this.post(slot, job);
    }
  }

  private post(slot: WorkerSlot, job: Job): void {
    job.slot = slot;
    const limit = job.small && job.req.gzip ? Math.min(job.req.limitBytes, SMALL_INFLATED_BYTES) : job.req.limitBytes;
    // A small body is copied (it may be needed again, and copying it is cheap); a large one is moved when it owns its memory.
    const owned = !job.small && job.req.body.byteOffset === 0 && job.req.body.byteLength === job.req.body.buffer.byteLength;
    const body = owned ? job.req.body : new Uint8Array(job.req.body);
    const posted = slot.post(job.id, { ...job.req, body, limitBytes: limit }, owned ? [body.buffer as ArrayBuffer] : [], this.timeoutMs);
    if (posted === true) this.heldBody.set(slot, job.fingerprint);
    else {
      // Only this request failed to reach the worker; the worker and the queue are fine.
      this.settle(job.id)?.reject(new DecodeUnavailableError('The batch could not be handed to the decoder; retry shortly.'));
      this.onError(posted);
      this.dispatch();
    }
  }

  private answered(slot: WorkerSlot, id: number, result: DecodeResult): void {
    this.heldBody.delete(slot);
    const job = this.jobs.get(id);
    if (job && job.slot === slot && this.tooBigForSmallLane(job, result)) {
      job.small = false;
      job.slot = undefined;
      this.queue.push(job.tenant, job.req.body.byteLength, job);
    } else {
      this.settle(id)?.resolve(result);
    }
    this.dispatch();
  }

  private tooBigForSmallLane(job: Job, result: DecodeResult): boolean {
    return job.small && job.req.gzip && job.req.limitBytes > SMALL_INFLATED_BYTES && !result.ok && result.error.code === 'payload_too_large';
  }

  /** Forgets a request: its timer, its place in the queue and its tenant's share. */
  private settle(id: number): Job | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    this.jobs.delete(id);
    clearTimeout(job.timer);
    if (!job.slot) this.queue.remove(job);
    const held = (this.heldByTenant.get(job.tenant) ?? 1) - 1;
    if (held > 0) this.heldByTenant.set(job.tenant, held);
    else this.heldByTenant.delete(job.tenant);
    return job;
  }

  private timedOut(id: number): void {
    // The worker, if it holds this job, carries on: its own watchdog decides whether it is hung.
    this.settle(id)?.reject(new DecodeUnavailableError(`Decoding this batch took longer than ${this.timeoutMs / 1000}s; retry shortly.`));
  }

  /** A worker that exited or hung: what it held fails, a fresh one takes its place, and the queue moves on. */
  private lost(slot: WorkerSlot, id: number | undefined, restartAfterMs: number): void {
    if (this.closed) return;
    const body = this.heldBody.get(slot);
    this.heldBody.delete(slot);
    if (id !== undefined) {
      const poisoned = body !== undefined && this.poison.struck(body);
      const job = this.settle(id);
      if (poisoned) job?.resolve(POISONED);
      else job?.reject(new DecodeUnavailableError('The decoder restarted while handling this batch; retry shortly.'));
    }
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const respawn = () => {
      if (this.closed || this.slots[index] !== slot) return;
      this.slots[index] = this.spawn(index);
    };
    // One that could not even start would fail the same way again at once: pause first.
    if (restartAfterMs > 0) setTimeout(respawn, restartAfterMs).unref();
    else respawn();
  }

  private spawn(index: number): WorkerSlot {
    const bulk = this.size >= 2 && index > 0;
    const events = {
      onReady: () => this.dispatch(),
      onAnswer: (slot: WorkerSlot, id: number, result: DecodeResult) => this.answered(slot, id, result),
      onLost: (slot: WorkerSlot, id: number | undefined, restartAfterMs: number) => this.lost(slot, id, restartAfterMs),
      onError: this.onError,
    };
    return new WorkerSlot(this.workerUrl, `decode worker ${index}`, events, bulk ? BULK_NICE : 0);
  }
}
