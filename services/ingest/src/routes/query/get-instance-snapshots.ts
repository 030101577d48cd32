// Where an instance's memory is allocated over a range: the newest snapshot
// of each kind, each entry's growth measured against the oldest snapshot in
// the range (an entry absent there grew by all of itself). With one snapshot
// in the range, the agent's own growth since its previous one stands.
import type pg from 'pg';
import { snapshotRange, type SnapshotRange } from '@memsight/db';
import type { InstanceSnapshots } from '@memsight/contracts';

const iso = (ms: number) => new Date(ms).toISOString();

export function snapshotGrowth(instanceId: string, r: SnapshotRange): InstanceSnapshots {
  const sites = r.newest.sites;
  const types = r.newest.types;
  const sitesFrom = r.oldest.sites && sites && r.oldest.sites.ts < sites.ts ? r.oldest.sites : undefined;
  const typesFrom = r.oldest.types && types && r.oldest.types.ts < types.ts ? r.oldest.types : undefined;
  const sizeThen = new Map(sitesFrom?.entries.map((e) => [e.site, e.sizeBytes]));
  const countThen = new Map(typesFrom?.entries.map((e) => [e.type, e.count]));
  return {
    instanceId,
    allocationSites: sites
      ? {
          at: iso(sites.ts),
          since: sitesFrom ? iso(sitesFrom.ts) : null,
          source: sites.source,
          sites: sites.entries
            .map((e) => ({
              site: e.site,
              sizeBytes: e.sizeBytes,
              count: e.count ?? null,
              growthBytes: sitesFrom ? e.sizeBytes - (sizeThen.get(e.site) ?? 0) : (e.growthBytes ?? null),
              traceback: e.traceback ?? [],
            }))
            .sort((a, b) => (b.growthBytes ?? 0) - (a.growthBytes ?? 0) || b.sizeBytes - a.sizeBytes),
        }
      : null,
    typeCounts: types
      ? {
          at: iso(types.ts),
          since: typesFrom ? iso(typesFrom.ts) : null,
          types: types.entries
            .map((e) => ({ type: e.type, count: e.count, growth: typesFrom ? e.count - (countThen.get(e.type) ?? 0) : (e.growth ?? null) }))
            .sort((a, b) => (b.growth ?? 0) - (a.growth ?? 0) || b.count - a.count),
        }
      : null,
  };
}

export async function getInstanceSnapshots(pool: pg.Pool, instanceId: string, fromMs: number, toMs: number): Promise<InstanceSnapshots> {
  return snapshotGrowth(instanceId, await snapshotRange(pool, instanceId, fromMs, toMs));
}
