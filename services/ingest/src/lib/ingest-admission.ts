// Charging a project for a batch before its body is read or decoded. The
// rate limit used to run after decoding: a project flooding 9.5 MB bodies got
// its 429s only once each body had been inflated and parsed, and another
// project's small batches waited behind that work (8 ms → 3 s). Now the cost
// is estimated from Content-Length and the project's recent values per body
// byte (per encoding), reserved up front, and settled to the exact count after
// decoding. Every batch costs at least MIN_VALUES_PER_BATCH, empty ones too:
// a request costs ingest work whatever it holds. And a project may have at
// most `maxInflightBytes` of declared body being read and decoded at once:
// the values rate alone let one project keep 16 maximal bodies queued on the
// decoder, ahead of everyone else's small batches.
import type { TokenBuckets } from './token-bucket';

/** About what an empty batch costs ingest (authentication, a decode round trip, a commit), in values. */
export const MIN_VALUES_PER_BATCH = 500;
// Before a project has history: about 10 bytes of JSON per value, and gzip
// shrinking that about fourfold. Low on purpose, so an honest first batch is
// not refused; the project's own ratio replaces them after one batch.
const PRIOR_VALUES_PER_BYTE = { identity: 0.1, gzip: 0.4 };
// Decoding costs by the byte, whatever the body holds: a body padded with
// whitespace, or nulls, costs at least this many values per byte, and no
// learned ratio goes below it (honest JSON is about twice this).
const FLOOR_VALUES_PER_BYTE = 0.05;
const LEARNING_RATE = 0.3;
const MAX_PROJECTS = 10_000;

export interface Reservation {
  projectId: string;
  gzip: boolean;
  bodyBytes: number | undefined;
  reserved: number;
  settled: boolean;
  /** Declared body bytes counted against the project's in-flight bound until settled. */
  holding: number;
}

export class IngestAdmission {
  private readonly valuesPerByte = new Map<string, number>();
  private readonly valuesPerBatch = new Map<string, number>();
  private readonly inflightBytes = new Map<string, number>();

  constructor(
    private readonly buckets: TokenBuckets,
    /** 0 = no bound. One body is always let through, however large. */
    private readonly maxInflightBytes = 0,
  ) {}

  /** Reserves the estimated cost of a batch; `wait` > 0 means refuse it, retrying after that many seconds. */
  reserve(projectId: string, bodyBytes: number | undefined, gzip: boolean): { reservation: Reservation; wait: number; busy?: boolean } {
    const refused = { reservation: { projectId, gzip, bodyBytes, reserved: 0, settled: true, holding: 0 }, wait: 1, busy: true };
    const inflight = this.inflightBytes.get(projectId) ?? 0;
    if (this.maxInflightBytes > 0 && inflight > 0 && inflight + (bodyBytes ?? 0) > this.maxInflightBytes) return refused;
    const estimate = Math.max(MIN_VALUES_PER_BATCH, Math.ceil(this.estimate(projectId, bodyBytes, gzip)));
    const wait = this.buckets.reserve(projectId, estimate);
    if (wait > 0) return { ...refused, wait, busy: false };
    const holding = bodyBytes ?? 0;
    this.inflightBytes.set(projectId, inflight + holding);
    return { reservation: { projectId, gzip, bodyBytes, reserved: estimate, settled: false, holding }, wait: 0 };
  }

  /** The decoded batch held `values` values: charge that (at least the minimum) instead of the estimate, and learn from it. */
  settle(r: Reservation, values: number): void {
    if (r.settled) return;
    this.release(r);
    this.buckets.settle(r.projectId, r.reserved, Math.max(MIN_VALUES_PER_BATCH, values, Math.ceil((r.bodyBytes ?? 0) * FLOOR_VALUES_PER_BYTE)));
    this.learn(r, values);
  }

  /** A batch refused before its count was known (bad body, too large): the work was done, the reservation stands. */
  forfeit(r: Reservation): void {
    if (r.settled) return;
    this.release(r);
    this.buckets.settle(r.projectId, r.reserved, r.reserved);
  }

  /** Refused before any decoding (the decoder's queue was full): only the minimum is charged, and nothing is learned. */
  refund(r: Reservation): void {
    if (r.settled) return;
    this.release(r);
    this.buckets.settle(r.projectId, r.reserved, Math.min(r.reserved, MIN_VALUES_PER_BATCH));
  }

  private release(r: Reservation): void {
    r.settled = true;
    const left = (this.inflightBytes.get(r.projectId) ?? 0) - r.holding;
    if (left > 0) this.inflightBytes.set(r.projectId, left);
    else this.inflightBytes.delete(r.projectId);
  }

  private estimate(projectId: string, bodyBytes: number | undefined, gzip: boolean): number {
    // Chunked bodies declare no length: the project's recent batch size stands in.
    if (bodyBytes === undefined) return this.valuesPerBatch.get(projectId) ?? 0;
    const ratio = this.valuesPerByte.get(`${projectId} ${gzip}`) ?? PRIOR_VALUES_PER_BYTE[gzip ? 'gzip' : 'identity'];
    return bodyBytes * Math.max(FLOOR_VALUES_PER_BYTE, ratio);
  }

  private learn(r: Reservation, values: number): void {
    if (this.valuesPerByte.size > MAX_PROJECTS) this.valuesPerByte.clear();
    if (this.valuesPerBatch.size > MAX_PROJECTS) this.valuesPerBatch.clear();
    const ewma = (map: Map<string, number>, key: string, x: number) => {
      const old = map.get(key);
      map.set(key, old === undefined ? x : old + LEARNING_RATE * (x - old));
    };
    ewma(this.valuesPerBatch, r.projectId, values);
    if (r.bodyBytes) ewma(this.valuesPerByte, `${r.projectId} ${r.gzip}`, values / r.bodyBytes);
  }
}
