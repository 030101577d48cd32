// Runs decodeBatch on worker threads, so inflating, parsing and checking one
// body never stalls the event loop that answers the others and talks to
// PostgreSQL. With zero workers it decodes inline (same results, one thread).
import { Worker } from 'node:worker_threads';
import { decodeBatch, type DecodeRequest, type DecodeResult } from './decode-batch';

interface Slot {
  worker: Worker;
  busy: number;
}

interface Pending {
  slot: Slot;
  resolve: (r: DecodeResult) => void;
  reject: (e: unknown) => void;
}

const WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);

export class DecodePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly onError: (err: unknown) => void,
    // Tests swap in a worker that crashes on demand.
    private readonly workerUrl: URL = WORKER_URL,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  decode(req: DecodeRequest): Promise<DecodeResult> {
    if (this.size === 0) return Promise.resolve(decodeBatch(req));
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    // Transfer the body when it owns its memory; a view into a shared pool must be copied.
    const owned = req.body.byteOffset === 0 && req.body.byteLength === req.body.buffer.byteLength;
    const body = owned ? req.body : new Uint8Array(req.body);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.busy++;
      slot.worker.postMessage({ id, req: { ...req, body } }, [body.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { execArgv: [] });
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', ({ id, result }: { id: number; result: DecodeResult }) => {
      slot.busy--;
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.resolve(result);
    });
    worker.on('error', (err) => this.onError(err));
    worker.on('exit', () => {
      if (this.closed) return;
      // A crashed worker fails only what it was holding; a fresh one takes its place.
      for (const [id, p] of this.pending) {
        if (p.slot !== slot) continue;
        p.reject(new Error('decode worker exited'));
        this.pending.delete(id);
      }
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
    });
    return slot;
  }
}
