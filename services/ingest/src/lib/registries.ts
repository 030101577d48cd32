// Caches in front of the two lookups every batch needs: its instance's
// server-side id and its metric-name list's id. The database is only asked
// when an instance is new or its identity changed, or a metric list is new
// to the project; that is also where the per-project cardinality caps are
// checked, so what already reports is never refused.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { IngestBatch } from '@memsight/contracts';
import { metricNamesHash, upsertMetricSet } from '@memsight/db';
import { recordDeployMarker, upsertInstance } from '../queries/upsert-instance';
import { countForMetricSet, countForNewInstance, recordProjectMetricSet } from '../queries/cardinality-counts';
import { withProjectLock } from '../queries/project-lock';
import { BoundedCache } from './bounded-cache';
import { CardinalityLimitError, type CardinalityLimit } from './errors';

type BatchIdentity = Pick<IngestBatch, 'instance' | 'agent'>;

/** A cap of 0 is no cap. */
export interface CardinalityLimits {
  maxAppsPerProject: number;
  maxInstancesPerApp: number;
  maxMetricSetsPerProject: number;
}

/** Instances count against INGEST_MAX_INSTANCES_PER_APP while seen within this window; restarted processes age out. */
export const INSTANCE_WINDOW_MS = 24 * 3_600_000;

// Both caches hold fixed-size entries (ids and hashes, never the name lists
// or identities themselves: 10 000 lists of 500 names were ~500 MB).
const INSTANCE_CACHE = { maxEntries: 100_000, maxBytes: 32 * 1024 * 1024 };
const METRIC_SET_CACHE = { maxEntries: 20_000, maxBytes: 8 * 1024 * 1024 };

const exceeded = (max: number, count: number | null) => max > 0 && count !== null && count >= max;

export class InstanceRegistry {
  readonly cache = new BoundedCache<{ id: string; fingerprint: string }>({ ...INSTANCE_CACHE, sizeOf: (v) => 2 * (v.id.length + v.fingerprint.length) });
  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: Pick<CardinalityLimits, 'maxAppsPerProject' | 'maxInstancesPerApp'> = { maxAppsPerProject: 0, maxInstancesPerApp: 0 },
    private readonly onRefused: (limit: CardinalityLimit) => void = () => {},
  ) {}

  /** The server-side id of a batch's instance; writes to the database only when it is new or changed. */
  async resolve(projectId: string, batch: BatchIdentity, nowMs: number): Promise<string> {
    const key = `${projectId}:${batch.instance.id}`;
    const fingerprint = createHash('sha1').update(JSON.stringify([batch.instance, batch.agent])).digest('base64');
    const hit = this.cache.get(key);
    if (hit && hit.fingerprint === fingerprint) return hit.id;
    // Also when a known instance's identity changed: a new app name would create an app (the instance keeps its own).
    const { maxAppsPerProject, maxInstancesPerApp } = this.limits;
    const row = maxAppsPerProject === 0 && maxInstancesPerApp === 0
      ? await upsertInstance(this.pool, projectId, batch.agent, batch.instance, nowMs)
      : await withProjectLock(this.pool, projectId, async (db) => {
          await this.admit(db, projectId, batch.instance, nowMs);
          return upsertInstance(db, projectId, batch.agent, batch.instance, nowMs);
        });
    if (batch.instance.appVersion) await recordDeployMarker(this.pool, row.appId, batch.instance.appVersion, batch.instance.startedAt);
    this.cache.set(key, { id: row.id, fingerprint });
    return row.id;
  }

  /** Throws CardinalityLimitError when this instance or its app is new and a cap is reached (run under the project's lock). */
  private async admit(db: pg.ClientBase, projectId: string, instance: BatchIdentity['instance'], nowMs: number): Promise<void> {
    const { maxAppsPerProject, maxInstancesPerApp } = this.limits;
    const counts = await countForNewInstance(db, projectId, instance.app, instance.id, nowMs - INSTANCE_WINDOW_MS);
    if (exceeded(maxAppsPerProject, counts.apps)) {
      throw this.refuse('apps_per_project', maxAppsPerProject, 'INGEST_MAX_APPS_PER_PROJECT',
        `This project already has ${counts.apps} apps, the most INGEST_MAX_APPS_PER_PROJECT=${maxAppsPerProject} allows, so app "${instance.app}" was not created. ` +
          'Report under an existing app name (an app is a service, not a process or a host), or raise INGEST_MAX_APPS_PER_PROJECT on the ingest server.');
    }
    if (exceeded(maxInstancesPerApp, counts.instances)) {
      throw this.refuse('instances_per_app', maxInstancesPerApp, 'INGEST_MAX_INSTANCES_PER_APP',
        `App "${instance.app}" has ${counts.instances} instances seen in the last 24 h, the most INGEST_MAX_INSTANCES_PER_APP=${maxInstancesPerApp} allows, so instance "${instance.id}" was not created; instances already reporting are unaffected. ` +
          'An instance id should last as long as its process; if yours do, raise INGEST_MAX_INSTANCES_PER_APP on the ingest server.');
    }
  }

  private refuse(limit: CardinalityLimit, max: number, setting: string, message: string): CardinalityLimitError {
    this.onRefused(limit);
    return new CardinalityLimitError(limit, message, { limit, max, setting });
  }
}

export class MetricSetRegistry {
  readonly cache = new BoundedCache<number>({ ...METRIC_SET_CACHE, sizeOf: () => 8 });
  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: Pick<CardinalityLimits, 'maxMetricSetsPerProject'> = { maxMetricSetsPerProject: 0 },
    private readonly onRefused: (limit: CardinalityLimit) => void = () => {},
  ) {}

  /** The id of a batch's metric-name list, recorded as used by the project; refused past the project's cap. */
  async resolve(projectId: string, names: string[]): Promise<number> {
    const namesHash = metricNamesHash(names);
    const key = `${projectId}:${namesHash}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const { maxMetricSetsPerProject: max } = this.limits;
    const id = max === 0 ? await this.record(this.pool, projectId, names, namesHash, max) : await withProjectLock(this.pool, projectId, (db) => this.record(db, projectId, names, namesHash, max));
    this.cache.set(key, id);
    return id;
  }

  private async record(db: pg.Pool | pg.ClientBase, projectId: string, names: string[], namesHash: string, max: number): Promise<number> {
    const { knownId, used } = await countForMetricSet(db, projectId, namesHash);
    let id = knownId;
    if (id === null) {
      // Checked before the shared metric_sets table gets the list: a refused list is stored nowhere.
      if (exceeded(max, used)) {
        this.onRefused('metric_sets_per_project');
        throw new CardinalityLimitError(
          'metric_sets_per_project',
          `This project already uses ${used} different metric-name lists, the most INGEST_MAX_METRIC_SETS_PER_PROJECT=${max} allows, so this batch's new list of ${names.length} names was refused. ` +
            'Lists multiply when a label holds unbounded values (ids, paths, timestamps): drop such labels, or raise INGEST_MAX_METRIC_SETS_PER_PROJECT on the ingest server.',
          { limit: 'metric_sets_per_project', max, setting: 'INGEST_MAX_METRIC_SETS_PER_PROJECT' },
        );
      }
      id = await upsertMetricSet(db, names, namesHash);
      await recordProjectMetricSet(db, projectId, id);
    }
    return id;
  }
}
