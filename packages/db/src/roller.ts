// One pass of rollup maintenance: minutes for every batch received since the
// last pass, then (less often) hours from those minutes. One process at a
// time runs it (an advisory lock), so ingest replicas can all schedule it.
import type pg from 'pg';
import { rollUpRange, rollUpReceived, type Resolution } from './rollups';

const LOCK_KEY = 72707370;
const DAY_MS = 86_400_000;

export interface RollerOptions {
  /** The caller's clock: where a first pass's backfill ends. Received times are the database's own. */
  nowMs: number;
  /** Batches received this recently may still be committing: they are read on the next pass. */
  lagMs: number;
  /** Hours are recomputed when this much received time has gathered (each pass re-reads up to 60 minutes per instance). */
  hourEveryMs: number;
  /** With no progress recorded yet (a first start over existing data), raw samples from here on are rolled up. */
  backfillFromMs: number;
}

export interface RollerPass {
  minutes: number;
  hours: number;
  /** Batches received before this are in the minute rollups. */
  receivedUntilMs: number;
}

export type RollupProgress = Partial<Record<Resolution, number>>;

export async function readRollupProgress(db: pg.Pool | pg.ClientBase): Promise<RollupProgress> {
  const { rows } = await db.query<{ resolution: Resolution; ms: string }>(
    `SELECT resolution, (extract(epoch FROM received_until) * 1000)::bigint AS ms FROM rollup_progress`,
  );
  return Object.fromEntries(rows.map((r) => [r.resolution, Number(r.ms)]));
}

async function saveProgress(db: pg.ClientBase, resolution: Resolution, ms: number): Promise<void> {
  await db.query(
    `INSERT INTO rollup_progress (resolution, received_until, updated_at) VALUES ($1, to_timestamp($2 / 1000.0), now())
     ON CONFLICT (resolution) DO UPDATE SET received_until = EXCLUDED.received_until, updated_at = now()`,
    [resolution, ms],
  );
}

/** Rolls up all raw samples in [fromMs, toMs), a day per transaction. */
async function backfill(db: pg.ClientBase, resolution: Resolution, fromMs: number, toMs: number): Promise<number> {
  let written = 0;
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) {
    written += await rollUpRange(db, resolution, Math.max(day, fromMs), Math.min(day + DAY_MS, toMs));
  }
  return written;
}

/** Runs a pass, or returns undefined when another process holds the roller's lock. */
export async function rollUpPass(pool: pg.Pool, o: RollerOptions): Promise<RollerPass | undefined> {
  const db = await pool.connect();
  try {
    const { rows } = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
    if (!rows[0]!.ok) return undefined;
    try {
      const progress = await readRollupProgress(db);
      // received_at is stamped by the database, so the window is read on its clock too.
      const { rows: clock } = await db.query<{ ms: string }>(`SELECT (extract(epoch FROM now()) * 1000)::bigint AS ms`);
      const to = Number(clock[0]!.ms) - o.lagMs;
      const backfillTo = Math.max(o.nowMs, to) + DAY_MS;
      /** Brings one resolution up to `until`: a backfill when it never ran, else the buckets of the batches received since. */
      const advance = async (resolution: Resolution, from: number | undefined, until: number) => {
        const written = from === undefined ? await backfill(db, resolution, o.backfillFromMs, backfillTo) : from < until ? await rollUpReceived(db, resolution, from, until) : 0;
        await saveProgress(db, resolution, Math.max(from ?? 0, until));
        return written;
      };
      const minutes = await advance('1m', progress['1m'], to);
      const minuteUntil = Math.max(progress['1m'] ?? 0, to);
      const fromHour = progress['1h'];
      const hours = fromHour === undefined || minuteUntil - fromHour >= o.hourEveryMs ? await advance('1h', fromHour, minuteUntil) : 0;
      return { minutes, hours, receivedUntilMs: minuteUntil };
    } finally {
      await db.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    db.release();
  }
}
