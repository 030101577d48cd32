// The ingest benchmarks' untimed first step. Agents register once and then
// stream for days, so each simulated instance first sends one small batch
// (seq 0, one timestamp before the measured ones): the timed rounds then
// measure the steady state, not instance upserts.
import { batchFor, type BenchShape } from './sample-data';

export interface WarmUp {
  /** The ingest processes' ports; instance i registers with ports[i % ports.length]. */
  ports: number[];
  apiKey: string;
  values: number[][][];
  startMs: number;
  shape: BenchShape;
  metrics: string[];
  processStartMs: number;
  concurrency: number;
}

/** Sends each instance's registering batch; returns the rows it stored (one per instance). */
export async function registerInstances(w: WarmUp): Promise<number> {
  for (let i = 0; i < w.values.length; i += w.concurrency) {
    await Promise.all(
      w.values.slice(i, i + w.concurrency).map(async (rows, k) => {
        const warm = batchFor(i + k, w.startMs - w.shape.stepMs, w.shape, rows.slice(0, 1), w.metrics, w.processStartMs);
        warm.seq = 0;
        const res = await fetch(`http://127.0.0.1:${w.ports[(i + k) % w.ports.length]}/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${w.apiKey}` },
          body: JSON.stringify(warm),
        });
        if (res.status !== 200) throw new Error(`warm-up answered ${res.status}: ${await res.text()}`);
      }),
    );
  }
  return w.values.length;
}
