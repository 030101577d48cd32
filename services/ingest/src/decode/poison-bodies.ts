// Bodies that took a decode worker down. A body that crashes or hangs its
// worker is answered 503 (the worker may have died of something else), and
// agents retry a 503: such a body came back forever, each time costing a
// worker restart and everyone's batches queued behind it. Once the same body
// has taken down a worker `strikes` times, it is refused with a 422 without
// being decoded again, and the agent drops it instead of retrying.
//
// A body is known by its tenant, its length and a hash of its first and last
// 4 KiB: cheap on a 10 MB body, and two honest batches never share them (the
// header at the start holds the batch's seq; the end, its newest samples).
import { createHash } from 'node:crypto';

const EDGE_BYTES = 4096;
const MAX_ENTRIES = 1_000;

export function bodyFingerprint(tenant: string, body: Uint8Array): string {
  const hash = createHash('sha1');
  hash.update(body.subarray(0, EDGE_BYTES));
  if (body.byteLength > EDGE_BYTES) hash.update(body.subarray(Math.max(EDGE_BYTES, body.byteLength - EDGE_BYTES)));
  return `${tenant}\u0000${body.byteLength}\u0000${hash.digest('base64')}`;
}

export class PoisonBodies {
  private readonly strikesBy = new Map<string, number>();

  constructor(private readonly strikes = 2, private readonly maxEntries = MAX_ENTRIES) {}

  /** This body took a worker down; true when that makes it poison. */
  struck(fingerprint: string): boolean {
    const n = (this.strikesBy.get(fingerprint) ?? 0) + 1;
    this.strikesBy.delete(fingerprint); // re-inserted last: the oldest entry is the first forgotten
    this.strikesBy.set(fingerprint, n);
    if (this.strikesBy.size > this.maxEntries) this.strikesBy.delete(this.strikesBy.keys().next().value!);
    return n >= this.strikes;
  }

  isPoison(fingerprint: string): boolean {
    return (this.strikesBy.get(fingerprint) ?? 0) >= this.strikes;
  }

  get size(): number {
    return this.strikesBy.size;
  }
}

export const POISON_MESSAGE =
  'This batch crashed or hung the decoder more than once, so it is refused without being decoded again. ' +
  'Do not retry it: drop it, or send its samples in smaller batches.';
