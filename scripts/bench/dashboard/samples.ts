// The fleet's samples, made inside PostgreSQL: one INSERT … SELECT per app
// and stretch of time, a few in parallel. Then a keep-alive that appends each
// instance's next tick and marks it seen, as its agent would every interval,
// so the pages show live instances whose data ends now; each tick is recorded
// as an ingest batch, so the stack's roller rolls it up as it would a real one.
import type pg from 'pg';
import { ensureSamplePartitions } from '@memsight/db';
import { NODE_METRICS, PYTHON_METRICS, valuesArray } from './fleet-metrics';
import type { Fleet, FleetInstance, Runtime } from './fleet';

export interface Timeline {
  /** ts of sample n = originMs + n × stepMs */
  originMs: number;
  stepMs: number;
  /** samples per instance in the seeded day */
  count: number;
}

const INSERT: Record<Runtime, string> = Object.fromEntries(
  (['cpython', 'node'] as const).map((runtime) => [
    runtime,
    `INSERT INTO samples (instance_id, ts, metric_set_id, values)
     SELECT x.id, to_timestamp(($2::float8 + n * $3::float8) / 1000.0), $4::int,
            ${valuesArray(runtime === 'node' ? NODE_METRICS : PYTHON_METRICS)}
       FROM unnest($1::bigint[], $7::float8[], $8::float8[], $9::float8[]) AS x(id, base, leak, fdleak)
      CROSS JOIN generate_series($5::int, $6::int - 1) AS n
      -- x.base in here keeps the planner from sharing one random() among every instance of a tick.
      CROSS JOIN LATERAL (SELECT n * $3::float8 / 1000.0 AS t, random() + 0 * x.base AS r) v`,
  ]),
) as Record<Runtime, string>;

/** Samples n ∈ [fromN, toN) of these instances (all of one runtime); the number of rows written. */
async function insertRange(db: pg.Pool, fleet: Fleet, instances: FleetInstance[], t: Timeline, fromN: number, toN: number): Promise<number> {
  const runtime = instances[0]!.runtime;
  const res = await db.query(INSERT[runtime], [
    instances.map((i) => i.id), t.originMs, t.stepMs, fleet.metricSetOf[runtime], fromN, toN,
    instances.map((i) => i.baseBytes), instances.map((i) => i.leakBytesPerSecond), instances.map((i) => i.socketLeakPerSecond),
  ]);
  return res.rowCount ?? 0;
}

const byRuntime = (fleet: Fleet) => (['cpython', 'node'] as const).map((r) => fleet.instances.filter((i) => i.runtime === r)).filter((g) => g.length > 0);

export interface SeedResult {
  timeline: Timeline;
  rows: number;
  seconds: number;
  /** Set when a day at the asked interval would have missed the seeding budget: what was projected. */
  fellBackFrom?: { stepSeconds: number; projectedSeconds: number };
}

/**
 * A day (or `hours`) ending at `endMs` for every instance, one app per statement, `connections` at once.
 * After the first round of statements the total is projected; over `budgetSeconds`, those rows are
 * deleted and the day is seeded again at `fallbackStepSeconds`.
 */
export async function seedSamples(
  pool: pg.Pool,
  fleet: Fleet,
  o: { endMs: number; hours: number; stepSeconds: number; fallbackStepSeconds: number; budgetSeconds: number; connections: number; log: (m: string) => void },
): Promise<SeedResult> {
  const started = Date.now();
  const timelineAt = (stepSeconds: number): Timeline => {
    const stepMs = stepSeconds * 1000;
    const count = Math.round((o.hours * 3_600_000) / stepMs);
    return { originMs: Math.floor(o.endMs / stepMs) * stepMs - count * stepMs, stepMs, count };
  };
  await ensureSamplePartitions(pool, o.endMs - o.hours * 3_600_000 - 86_400_000, o.endMs + 86_400_000);
  const apps = fleet.apps.map((a) => fleet.instances.filter((i) => i.appId === a.id));
  let timeline = timelineAt(o.stepSeconds);
  let fellBackFrom: SeedResult['fellBackFrom'];
  let rows = 0;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < apps.length) {
      const app = apps[next++]!;
      const t0 = Date.now();
      const written = await insertRange(pool, fleet, app, timeline, 0, timeline.count);
      rows += written;
      done++;
      if (done === o.connections && !fellBackFrom && timeline.stepMs !== o.fallbackStepSeconds * 1000) {
        const projectedSeconds = ((Date.now() - started) / 1000 / done) * apps.length;
        if (projectedSeconds > o.budgetSeconds) {
          fellBackFrom = { stepSeconds: o.stepSeconds, projectedSeconds };
          o.log(`a day at ${o.stepSeconds} s would take about ${projectedSeconds.toFixed(0)} s to seed (budget ${o.budgetSeconds} s): seeding at ${o.fallbackStepSeconds} s instead`);
          next = apps.length; // the other workers stop after their current app; this one restarts the day
          return;
        }
      }
      if (done % Math.max(1, Math.round(apps.length / 10)) === 0) {
        o.log(`  ${done}/${apps.length} apps, ${(rows / 1e6).toFixed(2)} M rows, ${((Date.now() - started) / 1000).toFixed(0)} s (last app ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  if (fellBackFrom) {
    await pool.query('TRUNCATE samples');
    timeline = timelineAt(o.fallbackStepSeconds);
    rows = 0;
    next = 0;
    done = 0;
    await Promise.all(Array.from({ length: o.connections }, worker));
  }
  return { timeline, rows, seconds: (Date.now() - started) / 1000, fellBackFrom };
}

/**
 * Appends every tick from the end of the seeded day up to now, then keeps doing so each interval,
 * and marks every instance seen. Returns a stop function that waits for a tick in progress.
 */
export function keepFleetLive(pool: pg.Pool, fleet: Fleet, t: Timeline, onError: (err: Error) => void): { caughtUp: Promise<void>; stop: () => Promise<void> } {
  let nextN = t.count;
  let stopped = false;
  const tick = async () => {
    const nowN = Math.floor((Date.now() - t.originMs) / t.stepMs);
    if (nowN >= nextN) {
      for (const group of byRuntime(fleet)) await insertRange(pool, fleet, group, t, nextN, nowN + 1);
      // What ingest records of each batch it commits: the roller rolls up the minutes these cover.
      await pool.query(
        `INSERT INTO ingest_batches (instance_id, seq, sample_count, min_ts, max_ts)
         SELECT id, $2, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0) FROM unnest($1::bigint[]) AS id`,
        [fleet.instances.map((i) => i.id), nowN, nowN + 1 - nextN, t.originMs + nextN * t.stepMs, t.originMs + nowN * t.stepMs],
      );
      nextN = nowN + 1;
    }
    await pool.query('UPDATE instances SET last_seen_at = now() WHERE project_id = $1', [fleet.projectId]);
  };
  let running: Promise<void> = tick();
  const caughtUp = running;
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick).catch(onError);
  }, Math.min(t.stepMs, 10_000));
  return {
    caughtUp,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
