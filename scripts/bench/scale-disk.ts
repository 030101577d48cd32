// Disk per sample of what ingest stored, in each form memsight keeps it: raw
// rows, minute and hour rollups (made here by the roller's own functions) and
// compacted blocks. Per stored sample (one metric's value at one time).
import type pg from 'pg';
import { compactPartition, listPartitions, rollUpRange } from '@memsight/db';
import { relationBytes } from './copy-baseline';

export interface DiskFigures {
  samples: number;
  rawBytesPerSample: number;
  minuteBytesPerSample: number;
  hourBytesPerSample: number;
  compactBytesPerSample: number;
}

export async function measureDisk(pool: pg.Pool, say: (m: string) => void): Promise<DiskFigures> {
  const db = await pool.connect();
  try {
    const { rows } = await db.query<{ n: string; lo: number; hi: number }>(
      `SELECT sum(cardinality(values))::text AS n, (extract(epoch FROM min(ts)) * 1000)::float8 AS lo, (extract(epoch FROM max(ts)) * 1000)::float8 AS hi FROM samples`,
    );
    const samples = Number(rows[0]!.n);
    const bytesOf = async (table: string) => {
      await db.query(`VACUUM ANALYZE ${table}`); // a fixed table name
      return relationBytes(db, table);
    };
    const raw = await bytesOf('samples');
    say('disk: rolling up minutes and hours…');
    await rollUpRange(db, '1m', rows[0]!.lo, rows[0]!.hi + 1);
    await rollUpRange(db, '1h', rows[0]!.lo, rows[0]!.hi + 1);
    const minute = await bytesOf('rollups_1m');
    const hour = await bytesOf('rollups_1h');
    say('disk: compacting the raw partitions…');
    for (const p of await listPartitions(db, 'samples')) await compactPartition(pool, p);
    const compact = await bytesOf('samples_compact');
    return { samples, rawBytesPerSample: raw / samples, minuteBytesPerSample: minute / samples, hourBytesPerSample: hour / samples, compactBytesPerSample: compact / samples };
  } finally {
    db.release();
  }
}
