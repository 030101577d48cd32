// A decode worker: runs decodeBatch off the main thread and hands the encoded
// rows back without copying them (transferred ArrayBuffers).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import { decodeBatch, type DecodeRequest, type DecodeResult } from './decode-batch';

export interface WorkerAnswer {
  id: number;
  result: DecodeResult;
  /** What went wrong inside, for the log only: clients get the generic message. */
  fault?: string;
}

const INTERNAL: DecodeResult = {
  ok: false,
  error: { status: 500, code: 'internal', message: 'Internal error while decoding the batch. It has been logged; try again.' },
};

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Decodes one request and posts exactly one answer for it, whatever fails. */
export function answer(id: number, req: DecodeRequest, post: (answer: WorkerAnswer, transfer: TransferListItem[]) => void): void {
  let reply: WorkerAnswer;
  try {
    reply = { id, result: decodeBatch(req) };
  } catch (err) {
    reply = { id, result: INTERNAL, fault: describe(err) };
  }
  const { result } = reply;
  const transfer = result.ok ? [result.batch.rows.buffer as ArrayBuffer, result.batch.rowOffsets.buffer as ArrayBuffer] : [];
  try {
    post(reply, transfer);
  } catch (err) {
    // An answer that cannot be cloned once threw out of this handler and took
    // the worker, and every batch in flight on it, down; now only this one fails.
    post({ id, result: INTERNAL, fault: `the answer could not be sent: ${describe(err)}` }, []);
  }
}

/**
 * Bulk decoding (the workers that take large bodies) yields the CPU to the
 * event loop, the small-body worker and PostgreSQL when they want it: on a
 * saturated host a maximal body then takes a little longer, and everyone
 * else's small batch does not wait for a core behind it. Linux nice values are
 * per thread; elsewhere, or without /proc, this is skipped.
 */
export function lowerThreadPriority(nice: number): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isInteger(tid)) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

if (parentPort && typeof workerData?.nice === 'number' && workerData.nice > 0) lowerThreadPriority(workerData.nice);

parentPort?.on('message', ({ id, req }: { id: number; req: DecodeRequest }) => answer(id, req, (a, t) => parentPort!.postMessage(a, t)));
// Loaded: from here on, silence means hung rather than still starting.
parentPort?.postMessage({ ready: true });
