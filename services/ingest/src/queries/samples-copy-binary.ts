// Encodes sample rows in PostgreSQL's binary COPY format. Binary instead of
// text because turning millions of doubles into decimal strings (and Postgres
// parsing them back) was the largest cost on the ingest path; here each value
// is eight bytes written as-is.
// Format: https://www.postgresql.org/docs/current/sql-copy.html (Binary Format)
import type { SampleRow } from '../routes/ingest/validate-samples';

export interface BinaryRows {
  instanceId: string;
  metricSetId: number;
  rows: SampleRow[];
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FLOAT8_OID = 701;
const PG_EPOCH_MS = 946_684_800_000; // 2000-01-01T00:00:00Z
const TWO_32 = 2 ** 32;

// Per row: field count, then (length, value) for instance_id int8, ts
// timestamptz, metric_set_id int4, and the array header (ndim, hasnull,
// element oid, dim length, lower bound).
const ROW_FIXED = 2 + (4 + 8) + (4 + 8) + (4 + 4) + 4 + 20;

function arrayBytes(values: (number | null)[]): number {
  let n = 0;
  for (const v of values) n += v === null ? 4 : 12;
  return n;
}

export function encodeSamplesBinary(groups: BinaryRows[]): Buffer {
  let size = SIGNATURE.length + 8 + 2;
  for (const g of groups) for (const r of g.rows) size += ROW_FIXED + arrayBytes(r.values);
  const buf = Buffer.allocUnsafe(size);
  let o = SIGNATURE.copy(buf, 0);
  o = buf.writeInt32BE(0, o); // flags
  o = buf.writeInt32BE(0, o); // header extension length
  for (const g of groups) {
    const instanceId = BigInt(g.instanceId);
    for (const { ts, values } of g.rows) {
      o = buf.writeInt16BE(4, o);
      o = buf.writeInt32BE(8, o);
      o = buf.writeBigInt64BE(instanceId, o);
      // timestamptz: microseconds since 2000-01-01, as int64 (hi, lo halves; fits in 53 bits).
      const micros = (ts - PG_EPOCH_MS) * 1000;
      const hi = Math.floor(micros / TWO_32);
      o = buf.writeInt32BE(8, o);
      o = buf.writeInt32BE(hi, o);
      o = buf.writeUInt32BE(micros - hi * TWO_32, o);
      o = buf.writeInt32BE(4, o);
      o = buf.writeInt32BE(g.metricSetId, o);
      o = buf.writeInt32BE(20 + arrayBytes(values), o);
      o = buf.writeInt32BE(1, o); // ndim
      o = buf.writeInt32BE(values.includes(null) ? 1 : 0, o);
      o = buf.writeInt32BE(FLOAT8_OID, o);
      o = buf.writeInt32BE(values.length, o);
      o = buf.writeInt32BE(1, o); // lower bound
      for (const v of values) {
        if (v === null) {
          o = buf.writeInt32BE(-1, o);
        } else {
          o = buf.writeInt32BE(8, o);
          o = buf.writeDoubleBE(v, o);
        }
      }
    }
  }
  buf.writeInt16BE(-1, o); // trailer
  return buf;
}
