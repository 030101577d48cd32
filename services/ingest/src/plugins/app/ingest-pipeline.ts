// The pieces the ingest action needs besides the database: the group-commit
// writer, the instance and metric-set caches, the rate limiter and the live
// event bus the socket.io gateway listens on.
import fp from 'fastify-plugin';
import type { IngestBatch, SamplesAppended } from '@memsight/contracts';

type BatchIdentity = Pick<IngestBatch, 'instance' | 'agent'>;
import { SampleWriter } from '../../lib/sample-writer';
import { TokenBuckets } from '../../lib/token-bucket';
import { LastSeenTracker } from '../../lib/last-seen';
import { DecodePool } from '../../decode/decode-pool';
import { recordDeployMarker, upsertInstance } from '../../queries/upsert-instance';
import { upsertMetricSet } from '../../queries/upsert-metric-set';

/**
 * Where committed samples go for live dashboards. The socket.io gateway
 * attaches itself; until then, and for instances nobody watches, ingest skips
 * building live payloads at all (they cost CPU on every batch).
 */
export class LiveFeed {
  private sink: { watches: (instanceId: string) => boolean; publish: (payload: SamplesAppended) => void } | undefined;

  attach(sink: NonNullable<LiveFeed['sink']>): void {
    this.sink = sink;
  }

  watches(instanceId: string): boolean {
    return this.sink?.watches(instanceId) ?? false;
  }

  publish(payload: SamplesAppended): void {
    this.sink?.publish(payload);
  }
}

export class InstanceRegistry {
  private readonly cache = new Map<string, { id: string; fingerprint: string }>();
  constructor(private readonly pool: import('pg').Pool) {}

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
  constructor(private readonly pool: import('pg').Pool) {}

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

declare module 'fastify' {
  interface FastifyInstance {
    sampleWriter: SampleWriter;
    decoder: DecodePool;
    lastSeen: LastSeenTracker;
    instances: InstanceRegistry;
    metricSets: MetricSetRegistry;
    ingestLimiter: TokenBuckets;
    live: LiveFeed;
  }
}

export default fp(
  async (app) => {
    const writer = new SampleWriter({
      pool: app.pool,
      flushIntervalMs: app.config.flushIntervalMs,
      // Leave connections for the query API and the registries.
      maxConcurrentFlushes: Math.max(1, app.config.dbPoolSize - 4),
      maxRowsPerFlush: 20_000,
      onFlush: (seconds) => app.metrics.flushSeconds.observe(seconds),
    });
    app.decorate('sampleWriter', writer);
    const decoder = new DecodePool(app.config.decodeWorkers, (err) => app.log.error({ err }, 'decode worker failed'));
    app.decorate('decoder', decoder);
    const lastSeen = new LastSeenTracker(app.pool, 5_000, (err) => app.log.warn({ err }, 'last-seen update failed'));
    lastSeen.start();
    app.decorate('lastSeen', lastSeen);
    app.decorate('instances', new InstanceRegistry(app.pool));
    app.decorate('metricSets', new MetricSetRegistry(app.pool));
    app.decorate('ingestLimiter', new TokenBuckets(app.config.rateLimitSamplesPerSecond, app.clock.now));
    app.decorate('live', new LiveFeed());
    // Registered before db's own onClose runs (hooks run in reverse order), so queued batches commit first.
    app.addHook('onClose', async () => {
      await writer.close();
      await lastSeen.stop();
      await decoder.close();
    });
  },
  { name: 'ingest-pipeline', dependencies: ['db', 'config', 'metrics'] },
);
