// One decode worker thread and the one request it holds at a time. Its
// watchdog runs from the moment a request is posted: a worker silent that long
// on one body is hung (a maximal body decodes in well under a second), and is
// replaced. Time a request spent queued before it was posted does not count,
// so a deep queue never gets a healthy worker restarted.
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { DecodeRequest, DecodeResult } from './decode-batch';
import type { WorkerAnswer } from './worker';

type WorkerMessage = WorkerAnswer | { ready: true; id?: undefined };

export interface SlotEvents {
  onReady: (slot: WorkerSlot) => void;
  onAnswer: (slot: WorkerSlot, id: number, result: DecodeResult) => void;
  /** The worker is gone (exit, or hung and terminated); `id` is what it held. Restart after `restartAfterMs`. */
  onLost: (slot: WorkerSlot, id: number | undefined, restartAfterMs: number) => void;
  onError: (err: unknown) => void;
}

export class WorkerSlot {
  readonly readyPromise: Promise<void>;
  /** Loaded and listening (it posts `{ ready: true }`); a slow start is not a hang. */
  ready = false;
  private current: number | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private gone = false;
  private readonly worker: Worker;

  /** `nice` > 0 lowers the thread's CPU priority (worker.ts): for the workers that decode large bodies. */
  constructor(url: URL, private readonly name: string, private readonly events: SlotEvents, nice = 0) {
    this.worker = new Worker(url, { execArgv: [], workerData: { nice } });
    this.worker.unref();
    let markReady!: () => void;
    let failStart!: (err: unknown) => void;
    this.readyPromise = new Promise<void>((resolve, reject) => ((markReady = resolve), (failStart = reject)));
    this.readyPromise.catch(() => {}); // only ready() callers care
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.id === undefined) {
        this.ready = true;
        markReady();
        events.onReady(this);
        return;
      }
      if (message.fault) events.onError(new Error(`decode failed: ${message.fault}`));
      if (message.id !== this.current) return;
      this.release();
      events.onAnswer(this, message.id, message.result);
    });
    // An answer that cannot be deserialised names no request: the watchdog ends it.
    this.worker.on('messageerror', (err) => events.onError(err));
    this.worker.on('error', (err) => {
      failStart(err);
      events.onError(err);
    });
    this.worker.on('exit', (code) => {
      failStart(new Error(`${name} exited with code ${code} while starting`));
      if (this.gone) return;
      this.gone = true;
      const held = this.current;
      this.release();
      events.onLost(this, held, this.ready ? 0 : 1_000);
    });
  }

  get idle(): boolean {
    return this.ready && !this.gone && this.current === undefined;
  }

  /** Posts one request; true, or the error that kept it from the worker (the slot stays idle). */
  post(id: number, req: DecodeRequest, transfer: TransferListItem[], watchdogMs: number): true | unknown {
    try {
      this.worker.postMessage({ id, req }, transfer);
    } catch (err) {
      return err;
    }
    this.current = id;
    this.watchdog = setTimeout(() => this.hung(watchdogMs), watchdogMs);
    this.watchdog.unref();
    return true;
  }

  terminate(): Promise<number> {
    this.gone = true;
    this.release();
    return this.worker.terminate();
  }

  private hung(ms: number): void {
    if (this.gone) return;
    this.gone = true;
    const held = this.current;
    this.release();
    this.events.onError(new Error(`${this.name} answered nothing for ${ms}ms; restarting it`));
    void this.worker.terminate();
    this.events.onLost(this, held, 0);
  }

  private release(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.current = undefined;
  }
}
