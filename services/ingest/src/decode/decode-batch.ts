// Everything CPU-heavy about one ingest body, as one pure function so it can
// run on a worker thread: inflate, parse, check against the contract, check
// each sample, and encode the accepted rows for binary COPY. The main thread
// then only does auth, the database and the answer.
import { gunzipSync } from 'node:zlib';
import { Compile } from 'typebox/compile';
import { IngestBatch } from '@memsight/contracts';
import { AppError } from '../lib/errors';
import { parseJsonBody } from './parse-json-body';
import { describeSchemaErrors } from './schema-errors';
import { validateSamples, type Rejection, type SampleWindow } from './validate-samples';
import { encodeSampleRows } from '../queries/samples-copy-binary';

// What live charts show; the full set is a query away.
export const LIVE_METRICS = ['process.memory.rss', 'nodejs.memory.heap_used', 'cpython.pymalloc.used_bytes', 'cpython.tracemalloc.current'];

const checker = Compile(IngestBatch);

export interface DecodeRequest {
  body: Uint8Array;
  gzip: boolean;
  limitBytes: number;
  window: SampleWindow;
}

export interface DecodedBatch {
  /** The batch without its samples (they are in `rows`). */
  header: Omit<IngestBatch, 'samples'>;
  sampleCount: number;
  rejected: number;
  rejections: Rejection[];
  /** Accepted samples as binary COPY rows, instance and metric-set ids still zero. */
  rows: Uint8Array;
  rowOffsets: Uint32Array;
  /** The accepted samples' earliest and latest times (0 without samples). */
  firstTs: number;
  lastTs: number;
  live: { metrics: string[]; rows: (number | null)[][] };
}

export type DecodeResult = { ok: true; batch: DecodedBatch } | { ok: false; error: { status: number; code: string; message: string; details?: unknown } };

function inflate(body: Uint8Array, limitBytes: number): Buffer {
  try {
    // maxOutputLength stops a gzip bomb at the limit instead of inflating it into memory.
    return gunzipSync(body, { maxOutputLength: limitBytes });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError(413, 'payload_too_large', 'The request body is over the size limit (measured after decompression). Send smaller batches.');
    }
    throw new AppError(400, 'invalid_request', 'The body is not valid gzip data; compress it with gzip or drop Content-Encoding.');
  }
}

// The schema also carries every bound PostgreSQL has (int4/int8 ranges, NUL
// and lone surrogates, timestamps past year 275760), so what passes here
// cannot fail inside the group commit and fail the other batches with it.
function checkContract(value: unknown): IngestBatch {
  if (checker.Check(value)) return value;
  const details = describeSchemaErrors([...checker.Errors(value)]);
  const first = details[0];
  throw new AppError(
    400,
    'invalid_body',
    `The request body does not match the schema at ${first?.field}: ${first?.message}. See /docs for the expected format.`,
    details,
  );
}

/**
 * JSON has no Infinity, but a number like 1e999 parses to it, and the schema
 * would then refuse the whole batch. Such values are set to null here and
 * their samples remembered (index → metric column), so validateSamples
 * rejects just those samples as non_finite_value.
 */
function takeNonFiniteValues(parsed: unknown): Map<number, number> {
  const found = new Map<number, number>();
  const samples = (parsed as { samples?: unknown })?.samples;
  if (!Array.isArray(samples)) return found;
  samples.forEach((sample, i) => {
    const values = (sample as { values?: unknown })?.values;
    if (!Array.isArray(values)) return;
    for (let m = 0; m < values.length; m++) {
      if (typeof values[m] === 'number' && !Number.isFinite(values[m])) {
        if (!found.has(i)) found.set(i, m);
        values[m] = null;
      }
    }
  });
  return found;
}

/** The earliest and latest sample times, in one pass (0 and 0 without samples). */
function timeRange(rows: { ts: number }[]): { firstTs: number; lastTs: number } {
  let firstTs = rows[0]?.ts ?? 0;
  let lastTs = 0;
  for (const r of rows) {
    if (r.ts < firstTs) firstTs = r.ts;
    if (r.ts > lastTs) lastTs = r.ts;
  }
  return { firstTs, lastTs };
}

export function decodeBatch(req: DecodeRequest): DecodeResult {
  try {
    const text = req.gzip ? inflate(req.body, req.limitBytes) : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    if (text.length > req.limitBytes) {
      throw new AppError(413, 'payload_too_large', 'The request body is over the size limit (measured after decompression). Send smaller batches.');
    }
    const parsed = parseJsonBody(text);
    const nonFinite = takeNonFiniteValues(parsed);
    const batch = checkContract(parsed);
    const checked = validateSamples(batch, req.window, nonFinite);
    const { rows, rowOffsets } = encodeSampleRows(checked.rows);
    const picked = LIVE_METRICS.map((m) => batch.metrics.indexOf(m)).filter((i) => i >= 0);
    const { samples, ...header } = batch;
    return {
      ok: true,
      batch: {
        header,
        sampleCount: samples.length,
        rejected: checked.rejected,
        rejections: checked.rejections,
        rows,
        rowOffsets,
        ...timeRange(checked.rows),
        live: {
          metrics: picked.map((i) => batch.metrics[i]!),
          rows: picked.length === 0 ? [] : checked.rows.map((r) => [r.ts, ...picked.map((i) => r.values[i] ?? null)]),
        },
      },
    };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { status: err.statusCode, code: err.code, message: err.message, details: err.details } };
    throw err;
  }
}
