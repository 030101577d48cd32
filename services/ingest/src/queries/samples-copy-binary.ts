// Sample rows in PostgreSQL's binary COPY format. Binary instead of text
// because turning millions of doubles into decimal strings (and Postgres
// parsing them back) was the largest cost on the ingest path; here each value
// is eight bytes written as-is.
// Format: https://www.postgresql.org/docs/current/sql-copy.html (Binary Format)
//
// Rows are encoded on a decode worker before the instance and metric-set ids
// are known (they need the database), so those two fields are written as zero
// and filled in by `stampIds` on the main thread.
import type { SampleRow } from '../decode/validate-samples';

export const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]); // + flags, extension length
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

const FLOAT8_OID = 701;
const PG_EPOCH_MS = 946_684_800_000; // 2000-01-01T00:00:00Z
const TWO_32 = 2 ** 32;
const INSTANCE_ID_AT = 2 + 4; // after field count and length
const METRIC_SET_ID_AT = 2 + (4 + 8) + (4 + 8) + 4;

// Per row: field count, then (length, value) for instance_id int8, ts
// timestamptz, metric_set_id int4, and the array header (ndim, hasnull,
// element oid, dim length, lower bound).
const ROW_FIXED = 2 + (4 + 8) + (4 + 8) + (4 + 4) + 4 + 20;

function arrayBytes(values: (number | null)[]): number {
  let n = 0;
  for (const v of values) n += v === null ? 4 : 12;
  return n;
}

export function encodeSampleRows(rows: SampleRow[]): { rows: Uint8Array; rowOffsets: Uint32Array } {
  let size = 0;
  for (const r of rows) size += ROW_FIXED + arrayBytes(r.values);
  // DataView writes are several times cheaper than Buffer's bounds-checked write* methods here.
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const rowOffsets = new Uint32Array(rows.length);
  let o = 0;
  for (let i = 0; i < rows.length; i++) {
    const { ts, values } = rows[i]!;
    rowOffsets[i] = o;
    view.setInt16(o, 4);
    view.setInt32(o + 2, 8); // instance_id: 8 bytes at o + 6, stamped later
    // timestamptz: microseconds since 2000-01-01, as int64 (hi, lo halves; fits in 53 bits).
    const micros = (ts - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(micros / TWO_32);
    view.setInt32(o + 14, 8);
    view.setInt32(o + 18, hi);
    view.setUint32(o + 22, micros - hi * TWO_32);
    view.setInt32(o + 26, 4); // metric_set_id: 4 bytes at o + 30, stamped later
    view.setInt32(o + 34, 20 + arrayBytes(values));
    view.setInt32(o + 38, 1); // ndim
    view.setInt32(o + 42, values.includes(null) ? 1 : 0);
    view.setInt32(o + 46, FLOAT8_OID);
    view.setInt32(o + 50, values.length);
    view.setInt32(o + 54, 1); // lower bound
    o += ROW_FIXED;
    for (const v of values) {
      if (v === null) {
        view.setInt32(o, -1);
        o += 4;
      } else {
        view.setInt32(o, 8);
        view.setFloat64(o + 4, v);
        o += 12;
      }
    }
  }
  return { rows: bytes, rowOffsets };
}

/** Fills in the instance and metric-set ids of rows made by `encodeSampleRows`. */
export function stampIds(rows: Uint8Array, rowOffsets: Uint32Array, instanceId: string, metricSetId: number): Buffer {
  // The id as two 32-bit halves, computed once: BigInt writes per row showed in the profile.
  const id = BigInt.asUintN(64, BigInt(instanceId));
  const hi = Number(id >> 32n);
  const lo = Number(id & 0xffffffffn);
  const view = new DataView(rows.buffer, rows.byteOffset, rows.byteLength);
  for (const o of rowOffsets) {
    view.setUint32(o + INSTANCE_ID_AT, hi);
    view.setUint32(o + INSTANCE_ID_AT + 4, lo);
    view.setInt32(o + METRIC_SET_ID_AT, metricSetId);
  }
  return Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
}
