// The pieces the ingest action needs besides the database: the decode
// workers, the group-commit writer, the instance and metric-set caches, the
// rate limiter (shared with the other replicas), last-seen tracking and the
// live feed the socket.io gateway attaches to.
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { SampleWriter } from '../../lib/sample-writer';
import { TokenBuckets } from '../../lib/token-bucket';
import { IngestAdmission } from '../../lib/ingest-admission';
import { RefusalDelay } from '../../lib/refusal-delay';
import { UsageExchange } from '../../lib/usage-exchange';
import { LastSeenTracker } from '../../lib/last-seen';
import { LiveFeed } from '../../lib/live-feed';
import { CommitNotifier } from '../../lib/commit-notifier';
import { InstanceRegistry, MetricSetRegistry } from '../../lib/registries';
import { DecodePool } from '../../decode/decode-pool';

/** Bodies up to this size are decoded on the event loop (decode/decode-pool.ts): an agent's batch is a few KB. */
const INLINE_DECODE_BYTES = 16 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    sampleWriter: SampleWriter;
    decoder: DecodePool;
    lastSeen: LastSeenTracker;
    instances: InstanceRegistry;
    metricSets: MetricSetRegistry;
    ingestLimiter: TokenBuckets;
    /** Charges a batch before its body is read (lib/ingest-admission.ts). */
    ingestAdmission: IngestAdmission;
    /** Holds refusals for rate before answering them (lib/refusal-delay.ts). */
    refusalDelay: RefusalDelay;
    live: LiveFeed;
    commits: CommitNotifier;
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
      commitTimeoutMs: app.config.commitTimeoutMs,
      maxQueuedRows: app.config.maxQueuedRows,
      onFlush: (seconds) => app.metrics.flushSeconds.observe(seconds),
    });
    app.decorate('sampleWriter', writer);
    const decoder = new DecodePool({
      size: app.config.decodeWorkers,
      timeoutMs: app.config.decodeTimeoutMs,
      queuePerWorker: app.config.decodeQueuePerWorker,
      inlineBytes: INLINE_DECODE_BYTES,
      onError: (err) => app.log.error({ err }, 'decode worker failed'),
    });
    app.decorate('decoder', decoder);
    const lastSeen = new LastSeenTracker(app.pool, 5_000, (err) => app.log.warn({ err }, 'last-seen update failed'));
    lastSeen.start();
    app.decorate('lastSeen', lastSeen);
    const refused = (reason: string) => app.metrics.refused.inc({ reason });
    app.decorate('instances', new InstanceRegistry(app.pool, app.config, refused));
    app.decorate('metricSets', new MetricSetRegistry(app.pool, app.config, refused));
    let usage: UsageExchange | undefined = undefined;
    const limiter = new TokenBuckets(app.config.rateLimitSamplesPerSecond, app.clock.now, (projectId, n) => usage?.admitted(projectId, n));
    usage = new UsageExchange({
      pool: app.pool, replica: randomUUID(), buckets: limiter, intervalMs: app.config.usageSyncMs, now: app.clock.now,
      onError: (err) => app.log.warn({ err }, 'could not exchange rate-limit usage with the other replicas'),
    });
    usage.start();
    app.decorate('ingestLimiter', limiter);
    app.decorate('ingestAdmission', new IngestAdmission(limiter, app.config.maxInflightBytesPerProject));
    app.decorate('refusalDelay', new RefusalDelay(app.config.refusalDelayMs));
    app.decorate('live', new LiveFeed());
    const commits = new CommitNotifier(app.pool, 10, (err) => app.log.warn({ err }, 'could not notify the alerter of new samples'));
    app.decorate('commits', commits);
    // Registered before db's own onClose runs (hooks run in reverse order), so queued batches commit first.
    app.addHook('onClose', async () => {
      await usage.stop();
      await writer.close();
      await commits.close();
      await lastSeen.stop();
      await decoder.close();
    });
  },
  { name: 'ingest-pipeline', dependencies: ['db', 'config', 'metrics'] },
);
