// Keeps partitions ahead of need for every time-keyed table: the whole accepted
// backfill window behind now and two days ahead, checked at start and every
// hour. (The roller makes any older rollup partition a backfill needs itself.)
import fp from 'fastify-plugin';
import { ensureAllPartitions } from '@memsight/db';

const DAY_MS = 86_400_000;

export default fp(
  async (app) => {
    const ensure = async () => {
      const now = app.clock.now();
      const created = await ensureAllPartitions(app.pool, now - app.config.maxSampleAgeSeconds * 1000 - DAY_MS, now + 2 * DAY_MS);
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
