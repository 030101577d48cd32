import type pg from 'pg';

export interface LatestSnapshots {
  sites?: { ts: number; source: string | null; entries: { site: string; sizeBytes: number; count?: number; growthBytes?: number; traceback?: string[] }[] };
  types?: { ts: number; entries: { type: string; count: number; growth?: number }[] };
}

/** The newest allocation-sites and type-counts snapshots of an instance within `sinceMs`. */
export async function latestSnapshots(db: pg.Pool | pg.ClientBase, instanceId: string, sinceMs: number): Promise<LatestSnapshots> {
  const { rows } = await db.query<{ kind: string; ts: number; entries: unknown }>(
    `SELECT DISTINCT ON (kind) kind, (extract(epoch FROM ts) * 1000)::float8 AS ts, entries
       FROM snapshots WHERE instance_id = $1 AND ts >= to_timestamp($2 / 1000.0) AND kind IN ('allocation_sites', 'type_counts')
      ORDER BY kind, ts DESC`,
    [instanceId, sinceMs],
  );
  const out: LatestSnapshots = {};
  // Ingest stores `{ source, sites }` for allocation_sites and `{ types }` for type_counts.
  for (const r of rows) {
    const stored = (r.entries ?? {}) as { source?: string; sites?: unknown; types?: unknown };
    if (r.kind === 'allocation_sites' && Array.isArray(stored.sites)) {
      out.sites = { ts: r.ts, source: stored.source ?? null, entries: stored.sites as NonNullable<LatestSnapshots['sites']>['entries'] };
    } else if (r.kind === 'type_counts' && Array.isArray(stored.types)) {
      out.types = { ts: r.ts, entries: stored.types as NonNullable<LatestSnapshots['types']>['entries'] };
    }
  }
  return out;
}
