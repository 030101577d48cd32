// Per-sample checks that the schema cannot express. A bad sample is rejected
// on its own and reported back; the rest of the batch is still stored.
import type { IngestBatch, SampleRejectionCode } from '@memsight/contracts';

export interface SampleWindow {
  nowMs: number;
  maxAgeMs: number;
  maxFutureMs: number;
}

export interface SampleRow {
  ts: number;
  values: (number | null)[];
}

export interface Rejection {
  index: number;
  code: SampleRejectionCode;
  message: string;
}

export interface ValidatedSamples {
  rows: SampleRow[];
  rejected: number;
  /** The first MAX_LISTED rejections; `rejected` has the full count. */
  rejections: Rejection[];
}

const MAX_LISTED = 100;

function checkSample(batch: IngestBatch, index: number, seen: Set<number>, w: SampleWindow, nonFinite: Map<number, number>): Rejection | undefined {
  const { ts, values } = batch.samples[index]!;
  const metrics = batch.metrics;
  if (values.length !== metrics.length) {
    return { index, code: 'value_count_mismatch', message: `samples[${index}] has ${values.length} values but the batch names ${metrics.length} metrics; send one value (or null) per metric.` };
  }
  for (let m = 0; m < values.length; m++) {
    const v = values[m];
    if ((v !== null && !Number.isFinite(v)) || nonFinite.get(index) === m) {
      return { index, code: 'non_finite_value', message: `samples[${index}] value for ${metrics[m]} is not a finite number; send null when a metric is missing.` };
    }
  }
  if (ts > w.nowMs + w.maxFutureMs) {
    return { index, code: 'timestamp_in_future', message: `samples[${index}].ts ${new Date(ts).toISOString()} is more than ${w.maxFutureMs / 1000}s ahead of the server clock; check the host's clock.` };
  }
  if (ts < w.nowMs - w.maxAgeMs) {
    return { index, code: 'timestamp_too_old', message: `samples[${index}].ts ${new Date(ts).toISOString()} is older than the ${w.maxAgeMs / 3_600_000}h ingest window.` };
  }
  if (seen.has(ts)) {
    return { index, code: 'duplicate_timestamp', message: `samples[${index}].ts repeats an earlier sample's timestamp in this batch.` };
  }
  return undefined;
}

/** `nonFinite`: samples whose values held a non-finite number before parsing nulled it (index → metric column). */
export function validateSamples(batch: IngestBatch, window: SampleWindow, nonFinite = new Map<number, number>()): ValidatedSamples {
  const rows: SampleRow[] = [];
  const rejections: Rejection[] = [];
  const seen = new Set<number>();
  let rejected = 0;
  for (let i = 0; i < batch.samples.length; i++) {
    const problem = checkSample(batch, i, seen, window, nonFinite);
    if (problem) {
      rejected++;
      if (rejections.length < MAX_LISTED) rejections.push(problem);
      continue;
    }
    const sample = batch.samples[i]!;
    seen.add(sample.ts);
    rows.push(sample);
  }
  return { rows, rejected, rejections };
}
