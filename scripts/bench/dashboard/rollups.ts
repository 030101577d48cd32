// The seeded day's rollups, as a day-old deployment has them: its roller has
// rolled each minute up as it arrived. Seeding writes samples straight into
// PostgreSQL, past the ingest path whose batches tell the roller what to
// roll, so here the product's own backfill (rollUpRange) runs over the seeded
// range: an hour per statement, `connections` at once, minutes then hours.
import type pg from 'pg';
import { RESOLUTION_MS, rollUpRange, type Resolution } from '@memsight/db';
import type { Timeline } from './samples';

const HOUR_MS = 3_600_000;

async function rollUp(pool: pg.Pool, resolution: Resolution, fromMs: number, toMs: number, connections: number): Promise<number> {
  const hours: number[] = [];
  for (let h = Math.floor(fromMs / HOUR_MS) * HOUR_MS; h < toMs; h += HOUR_MS) hours.push(h);
  let next = 0;
  let rows = 0;
  const worker = async () => {
    const db = await pool.connect();
    try {
      while (next < hours.length) {
        const h = hours[next++]!;
        rows += await rollUpRange(db, resolution, Math.max(h, fromMs), Math.min(h + HOUR_MS, toMs));
      }
    } finally {
      db.release();
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return rows;
}

export interface RollupSeedResult {
  minuteRows: number;
  hourRows: number;
  seconds: number;
}

/** Minute and hour rollups of the seeded samples (whole buckets only: the live tail is the roller's). */
export async function rollUpSeeded(pool: pg.Pool, t: Timeline, connections: number, log: (m: string) => void): Promise<RollupSeedResult> {
  const started = performance.now();
  const endMs = t.originMs + t.count * t.stepMs;
  const minuteEnd = Math.floor(endMs / RESOLUTION_MS['1m']) * RESOLUTION_MS['1m'];
  const minuteRows = await rollUp(pool, '1m', t.originMs, minuteEnd, connections);
  log(`  minute rollups: ${minuteRows.toLocaleString('en')} rows, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const hourRows = await rollUp(pool, '1h', t.originMs, Math.floor(endMs / HOUR_MS) * HOUR_MS, connections);
  return { minuteRows, hourRows, seconds: (performance.now() - started) / 1000 };
}
