// Keeps daily partitions ahead of need for every time-keyed table: the whole
// accepted backfill window behind now (for rollups, the raw retention a first
// rollup pass backfills), and two days ahead, checked at start and every hour.
import fp from 'fastify-plugin';
import { ensurePartitions, type PartitionedTable } from '@memsight/db';

const DAY_MS = 86_400_000;

export default fp(
  async (app) => {
    const ensure = async () => {
      const now = app.clock.now();
      const accepted = now - app.config.maxSampleAgeSeconds * 1000 - DAY_MS;
      const behind: Record<PartitionedTable, number> = {
        samples: accepted,
        snapshots: accepted,
        rollups_1m: Math.max(now - app.config.retentionMinuteRollupDays * DAY_MS, Math.min(accepted, now - app.config.retentionRawDays * DAY_MS)),
        rollups_1h: Math.min(accepted, now - app.config.retentionRawDays * DAY_MS),
      };
      const created: string[] = [];
      for (const [table, from] of Object.entries(behind) as [PartitionedTable, number][]) created.push(...(await ensurePartitions(app.pool, table, from, now + 2 * DAY_MS)));
      if (created.length > 0) app.log.info({ created }, 'created partitions');
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      await ensure();
      timer = setInterval(() => ensure().catch((err) => app.log.error({ err }, 'partition maintenance failed')), 3_600_000);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'partitions', dependencies: ['db', 'config'] },
);
