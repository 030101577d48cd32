// History upkeep: a rollup pass every `rollupIntervalSeconds` (minutes from
// the batches received since the last pass, hours every few minutes), and
// every hour compaction of the days that can no longer change, then retention. Every replica schedules both; the roller's advisory
// lock lets one run at a time, and dropping a partition twice is harmless.
import fp from 'fastify-plugin';
import { applyRetention, compactSettledDays, rollUpPass, type RetentionDays } from '@memsight/db';

const DAY_MS = 86_400_000;
const HOUR_EVERY_MS = 5 * 60_000;
const LAG_MS = 5_000; // an ingest transaction still committing is read on the next pass

export default fp(
  async (app) => {
    const c = app.config;
    const days: RetentionDays = {
      samples: c.retentionRawDays, rollups_1m: c.retentionMinuteRollupDays, rollups_1h: c.retentionHourRollupDays,
      snapshots: c.retentionSnapshotDays, ingest_batches: c.retentionBatchKeyDays,
    };
    const rollUp = async () => {
      const now = app.clock.now();
      const pass = await rollUpPass(app.pool, { nowMs: now, lagMs: LAG_MS, hourEveryMs: HOUR_EVERY_MS, backfillFromMs: now - c.retentionRawDays * DAY_MS });
      if (pass && pass.minutes + pass.hours > 0) app.log.debug(pass, 'rolled up');
      return pass;
    };
    const expire = async () => {
      // Days that can no longer change are compacted first, then whatever is past retention is dropped.
      const compacted = await compactSettledDays(app.pool, app.clock.now(), c.maxSampleAgeSeconds * 1000);
      if (compacted.length > 0) app.log.info({ compacted }, 'compacted raw samples');
      const outcome = await applyRetention(app.pool, app.clock.now(), days);
      if (outcome.dropped.length > 0 || outcome.batchKeysDeleted > 0) app.log.info(outcome, 'expired old data');
    };
    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
      let running = false;
      const t = setInterval(() => {
        if (running) return; // a slow pass is not stacked on
        running = true;
        fn().catch((err) => app.log.error({ err }, `${what} failed`)).finally(() => (running = false));
      }, ms);
      t.unref();
      timers.push(t);
    };
    app.addHook('onReady', async () => {
      if (c.rollupIntervalSeconds > 0) every(c.rollupIntervalSeconds * 1000, 'rollup pass', rollUp);
      every(3_600_000, 'compaction and retention', expire);
    });
    app.addHook('onClose', async () => timers.forEach(clearInterval));
  },
  { name: 'history', dependencies: ['db', 'config', 'partitions'] },
);
