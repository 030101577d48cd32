// Runs decodeBatch on worker threads, so inflating, parsing and checking one
// body never stalls the event loop that answers the others and talks to
// PostgreSQL. With zero workers it decodes inline (same results, one thread).
//
// Every request ends: with the worker's answer, or with a 503 when the
// worker does not answer in time, dies, or the queue is full, and a 429 when
// one project holds more than its share of the queue. A request that once
// waited forever for a message that never came is the reason (issue 14).
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { DecodeUnavailableError, RateLimitedError } from '../lib/errors';
import { decodeBatch, type DecodeRequest, type DecodeResult } from './decode-batch';
import type { WorkerAnswer } from './worker';

type WorkerMessage = WorkerAnswer | { ready: true; id?: undefined };

interface Slot {
  worker: Worker;
  busy: number;
  /** Loaded and listening (it posts `{ ready: true }`); a slow start is not a hang. */
  ready: boolean;
  readyPromise: Promise<void>;
  /** When this worker last answered (performance.now()). */
  answeredAt: number;
}

interface Pending {
  slot: Slot;
  tenant: string;
  postedAt: number;
  timer: NodeJS.Timeout;
  resolve: (r: DecodeResult) => void;
  reject: (e: unknown) => void;
}

export interface DecodePoolOptions {
  /** Worker threads; 0 decodes inline. */
  size: number;
  /** Worker faults for the log: crashes, decode exceptions, restarts. Never sent to clients. */
  onError: (err: unknown) => void;
  /** How long a request may wait for its answer. */
  timeoutMs?: number;
  /** Requests in flight on one worker; past it, 503. */
  queuePerWorker?: number;
  /** The fraction of the whole queue one tenant may hold; past it, 429. */
  tenantShare?: number;
  /** Tests swap in a worker that crashes or hangs on demand. */
  workerUrl?: URL;
}

const WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);
// Loading a worker (tsx compiling its modules) took over 10 s on a loaded
// 2-core host: a request's clock starts when its worker is ready, but
// nothing waits longer than this for one to start.
const STARTUP_ALLOWANCE_MS = 60_000;

export class DecodePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly heldByTenant = new Map<string, number>();
  private readonly size: number;
  private readonly onError: (err: unknown) => void;
  private readonly timeoutMs: number;
  private readonly queuePerWorker: number;
  private readonly tenantLimit: number;
  private readonly workerUrl: URL;
  private nextId = 0;
  private closed = false;

  constructor(opts: DecodePoolOptions) {
    this.size = opts.size;
    this.onError = opts.onError;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.queuePerWorker = opts.queuePerWorker ?? 64;
    this.tenantLimit = Math.max(1, Math.floor(this.size * this.queuePerWorker * (opts.tenantShare ?? 0.5)));
    this.workerUrl = opts.workerUrl ?? WORKER_URL;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  /** Decodes one body; `tenant` (the project) is what the queue share is counted by. */
  decode(req: DecodeRequest, tenant = ''): Promise<DecodeResult> {
    if (this.size === 0) return Promise.resolve(decodeBatch(req));
    if (this.closed) return Promise.reject(new DecodeUnavailableError('Ingest is shutting down; retry shortly.'));
    // A worker still starting (after a restart) takes requests only when none is ready.
    const rank = (s: Slot) => s.busy + (s.ready ? 0 : this.queuePerWorker);
    const slot = this.slots.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    if (slot.busy >= this.queuePerWorker) {
      return Promise.reject(new DecodeUnavailableError('Ingest is busy decoding other batches; retry shortly.'));
    }
    const held = this.heldByTenant.get(tenant) ?? 0;
    if (held >= this.tenantLimit) {
      return Promise.reject(
        new RateLimitedError(`This project already has ${held} batches waiting to be decoded, its share of the queue; send fewer at once and retry after 1s.`, 1),
      );
    }
    const id = this.nextId++;
    // Transfer the body when it owns its memory; a view into a shared pool must be copied.
    const owned = req.body.byteOffset === 0 && req.body.byteLength === req.body.buffer.byteLength;
    const body = owned ? req.body : new Uint8Array(req.body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(id), slot.ready ? this.timeoutMs : STARTUP_ALLOWANCE_MS + this.timeoutMs);
      timer.unref();
      slot.busy++;
      this.heldByTenant.set(tenant, held + 1);
      this.pending.set(id, { slot, tenant, postedAt: performance.now(), timer, resolve, reject });
      try {
        slot.worker.postMessage({ id, req: { ...req, body } }, [body.buffer as ArrayBuffer]);
      } catch (err) {
        // Only this request failed to reach the worker; the worker and its other requests are fine.
        this.settle(id);
        this.onError(err);
        reject(new DecodeUnavailableError('The batch could not be handed to the decoder; retry shortly.'));
      }
    });
  }

  /** Resolves when every worker has loaded; rejects if one fails to start. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.readyPromise));
  }

  /** Requests waiting for an answer (for tests and metrics). */
  get inFlight(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(undefined, 'Ingest is shutting down; retry shortly.');
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Forgets a request: its timer, its place in the queue and its tenant's share. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.slot.busy--;
    const held = (this.heldByTenant.get(p.tenant) ?? 1) - 1;
    if (held > 0) this.heldByTenant.set(p.tenant, held);
    else this.heldByTenant.delete(p.tenant);
    return p;
  }

  private failAll(slot: Slot | undefined, message: string): void {
    for (const [id, p] of this.pending) {
      if (slot && p.slot !== slot) continue;
      this.settle(id);
      p.reject(new DecodeUnavailableError(message));
    }
  }

  private timedOut(id: number): void {
    const p = this.settle(id);
    if (!p) return;
    p.reject(new DecodeUnavailableError(`Decoding this batch took longer than ${this.timeoutMs / 1000}s; retry shortly.`));
    // Stuck behind a long queue, the worker is still answering; silent since
    // this request was posted, a whole timeout ago, it is hung: replace it now
    // (its exit then fails what it still held). One still loading is only slow.
    if (p.slot.ready && p.slot.answeredAt <= p.postedAt) this.replace(p.slot, `decode worker answered nothing for ${this.timeoutMs}ms; restarting it`);
  }

  /** Requests that waited for their worker to load get their full timeout from now. */
  private restartClocks(slot: Slot): void {
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      clearTimeout(p.timer);
      p.postedAt = performance.now();
      p.timer = setTimeout(() => this.timedOut(id), this.timeoutMs);
      p.timer.unref();
    }
  }

  private replace(slot: Slot, why: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.onError(new Error(why));
    this.slots[index] = this.spawn();
    void slot.worker.terminate();
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { execArgv: [] });
    worker.unref();
    let markReady!: () => void;
    let failStart!: (err: unknown) => void;
    const readyPromise = new Promise<void>((resolve, reject) => ((markReady = resolve), (failStart = reject)));
    readyPromise.catch(() => {}); // only ready() callers care
    const slot: Slot = { worker, busy: 0, ready: false, readyPromise, answeredAt: performance.now() };
    worker.on('message', (message: WorkerMessage) => {
      slot.answeredAt = performance.now();
      if (message.id === undefined) {
        slot.ready = true;
        markReady();
        this.restartClocks(slot);
        return;
      }
      if (message.fault) this.onError(new Error(`decode failed: ${message.fault}`));
      this.settle(message.id)?.resolve(message.result);
    });
    // An answer that cannot be deserialised names no request; its timeout ends it.
    worker.on('messageerror', (err) => this.onError(err));
    worker.on('error', (err) => {
      failStart(err);
      this.onError(err);
    });
    worker.on('exit', (code) => {
      failStart(new Error(`decode worker exited with code ${code} while starting`));
      if (this.closed) return;
      // A crashed worker fails only what it was holding; a fresh one takes its place.
      this.failAll(slot, 'The decoder restarted while handling this batch; retry shortly.');
      const index = this.slots.indexOf(slot);
      if (index < 0) return; // already replaced (hung)
      // One that could not even start would fail the same way again at once: pause first.
      if (slot.ready) this.slots[index] = this.spawn();
      else setTimeout(() => this.closed || this.slots[index] !== slot || (this.slots[index] = this.spawn()), 1_000).unref();
    });
    return slot;
  }
}
