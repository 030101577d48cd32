// Caches in front of the two lookups every batch needs: its instance's
// server-side id and its metric-name list's id. The database is only asked
// when an instance is new or its identity changed, or a metric list is new.
import type pg from 'pg';
import type { IngestBatch } from '@memsight/contracts';
import { recordDeployMarker, upsertInstance } from '../queries/upsert-instance';
import { upsertMetricSet } from '@memsight/db';

type BatchIdentity = Pick<IngestBatch, 'instance' | 'agent'>;

export class InstanceRegistry {
  private readonly cache = new Map<string, { id: string; fingerprint: string }>();
  constructor(private readonly pool: pg.Pool) {}

  /** The server-side id of a batch's instance; writes to the database only when it is new or changed. */
  async resolve(projectId: string, batch: BatchIdentity, nowMs: number): Promise<string> {
    const key = `${projectId}:${batch.instance.id}`;
    const fingerprint = JSON.stringify([batch.instance, batch.agent]);
    const hit = this.cache.get(key);
    if (hit && hit.fingerprint === fingerprint) return hit.id;
    const row = await upsertInstance(this.pool, projectId, batch.agent, batch.instance, nowMs);
    if (batch.instance.appVersion) await recordDeployMarker(this.pool, row.appId, batch.instance.appVersion, batch.instance.startedAt);
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(key, { id: row.id, fingerprint });
    return row.id;
  }
}

export class MetricSetRegistry {
  private readonly cache = new Map<string, number>();
  constructor(private readonly pool: pg.Pool) {}

  async resolve(names: string[]): Promise<number> {
    const key = names.join('\n');
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const id = await upsertMetricSet(this.pool, names);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, id);
    return id;
  }
}
