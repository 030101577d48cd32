// GET /api/overview: every app with its last hour (RSS sparkline, worst
// growth, worst fragmentation, open alerts) and the leak suspects. It reads
// only the last hour of samples, instance by instance, so its cost follows
// the number of running instances, not the history kept.
import type pg from 'pg';
import type { AppOverview, InstanceFigures, Overview } from '@memsight/contracts';
import { listApps } from '../../queries/list-apps';
import { listOverviewInstances } from '../../queries/overview-instances';
import { appRssSparklines } from '../../queries/app-rss-sparklines';
import { listOpenMemoryAlerts } from '../../queries/open-memory-alerts';
import { getInstanceFigures } from './get-instance-figures';
import { rankLeakSuspects } from './leak-suspects';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The instance with the largest figure, or null when none has one. */
function worstOf<K extends 'growthBytesPerHour' | 'fragmentation'>(figures: InstanceFigures[], key: K): { instanceId: string; value: number } | null {
  let worst: { instanceId: string; value: number } | null = null;
  for (const f of figures) {
    const value = f[key];
    if (value !== null && (!worst || value > worst.value)) worst = { instanceId: f.instanceId, value };
  }
  return worst;
}

export async function getOverview(pool: pg.Pool, projectId: string, nowMs: number, liveSinceMs: number): Promise<Overview> {
  // Sixty whole minutes ending with the current one, so every bucket but the last is complete.
  const sinceMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - 59 * MINUTE_MS;
  const [apps, instances, alerts] = await Promise.all([
    listApps(pool, projectId, liveSinceMs),
    listOverviewInstances(pool, projectId, nowMs - HOUR_MS),
    listOpenMemoryAlerts(pool, projectId),
  ]);
  const [sparklines, figures] = await Promise.all([
    appRssSparklines(pool, instances, sinceMs, MINUTE_MS),
    getInstanceFigures(pool, projectId, instances.map((i) => i.id), nowMs),
  ]);
  const figuresByApp = new Map<string, InstanceFigures[]>();
  instances.forEach((instance, n) => {
    const mine = figuresByApp.get(instance.appId) ?? [];
    figuresByApp.set(instance.appId, mine);
    mine.push(figures[n]!);
  });
  const rssOf = new Map(figures.map((f) => [f.instanceId, f.rssBytes]));
  return {
    apps: apps.map((app): AppOverview => {
      const mine = figuresByApp.get(app.id) ?? [];
      const growth = worstOf(mine, 'growthBytesPerHour');
      const fragmentation = worstOf(mine, 'fragmentation');
      return {
        ...app,
        rss: sparklines.get(app.id) ?? { t: [], v: [] },
        worstGrowth: growth && { instanceId: growth.instanceId, bytesPerHour: growth.value },
        worstFragmentation: fragmentation && { instanceId: fragmentation.instanceId, ratio: fragmentation.value },
        openAlerts: mine.reduce((sum, f) => sum + f.openAlerts, 0),
      };
    }),
    suspects: rankLeakSuspects(alerts, (id) => rssOf.get(id) ?? null, nowMs),
  };
}
