// Allocation-site and type-count snapshots as ingest stores them (`{ source,
// sites }` and `{ types }` in `entries`): the newest of each kind in a range,
// and, for growth over the range, the oldest too. The alerter's evidence and
// the query API read them through this one parser.
import type pg from 'pg';

export interface SiteEntry {
  site: string;
  sizeBytes: number;
  count?: number;
  growthBytes?: number;
  traceback?: string[];
}
export interface TypeEntry {
  type: string;
  count: number;
  growth?: number;
}
export interface StoredSites {
  ts: number;
  source: string | null;
  entries: SiteEntry[];
}
export interface StoredTypes {
  ts: number;
  entries: TypeEntry[];
}
export interface LatestSnapshots {
  sites?: StoredSites;
  types?: StoredTypes;
}
export interface SnapshotRange {
  newest: LatestSnapshots;
  oldest: LatestSnapshots;
}

type Row = { which: 'newest' | 'oldest'; kind: string; ts: number; entries: unknown };

const SELECT = (order: 'DESC' | 'ASC', which: string) => `
  (SELECT DISTINCT ON (kind) '${which}' AS which, kind, (extract(epoch FROM ts) * 1000)::float8 AS ts, entries
     FROM snapshots
    WHERE instance_id = $1 AND ts >= to_timestamp($2 / 1000.0) AND ts < to_timestamp($3 / 1000.0) AND kind IN ('allocation_sites', 'type_counts')
    ORDER BY kind, ts ${order})`;

function parse(rows: Row[], which: Row['which']): LatestSnapshots {
  const out: LatestSnapshots = {};
  for (const r of rows) {
    if (r.which !== which) continue;
    const stored = (r.entries ?? {}) as { source?: string; sites?: unknown; types?: unknown };
    if (r.kind === 'allocation_sites' && Array.isArray(stored.sites)) out.sites = { ts: r.ts, source: stored.source ?? null, entries: stored.sites as SiteEntry[] };
    else if (r.kind === 'type_counts' && Array.isArray(stored.types)) out.types = { ts: r.ts, entries: stored.types as TypeEntry[] };
  }
  return out;
}

/** The newest allocation-sites and type-counts snapshots of an instance since `sinceMs`. */
export async function latestSnapshots(db: pg.Pool | pg.ClientBase, instanceId: string, sinceMs: number): Promise<LatestSnapshots> {
  // 1e15 ms (the year 33658): no upper bound.
  const { rows } = await db.query<Row>(SELECT('DESC', 'newest'), [instanceId, sinceMs, 1e15]);
  return parse(rows, 'newest');
}

/** The newest and the oldest snapshot of each kind within [fromMs, toMs). */
export async function snapshotRange(db: pg.Pool | pg.ClientBase, instanceId: string, fromMs: number, toMs: number): Promise<SnapshotRange> {
  const { rows } = await db.query<Row>(`${SELECT('DESC', 'newest')} UNION ALL ${SELECT('ASC', 'oldest')}`, [instanceId, fromMs, toMs]);
  return { newest: parse(rows, 'newest'), oldest: parse(rows, 'oldest') };
}
