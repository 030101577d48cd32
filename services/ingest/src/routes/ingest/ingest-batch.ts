// The ingest action: validate samples one by one, resolve the instance, write
// through the group-commit writer, then tell live dashboards.
import type { FastifyInstance } from 'fastify';
import type { IngestBatch, IngestResult } from '@memsight/contracts';
import { RateLimitedError, UnavailableError } from '../../lib/errors';
import { WriterClosedError } from '../../lib/sample-writer';
import { validateSamples } from './validate-samples';

// What live charts show; the full set is a query away.
const LIVE_METRICS = ['process.memory.rss', 'nodejs.memory.heap_used', 'cpython.pymalloc.used_bytes', 'cpython.tracemalloc.current'];

export async function ingestBatch(app: FastifyInstance, projectId: string, batch: IngestBatch): Promise<IngestResult> {
  const { config, clock } = app;
  const nowMs = clock.now();
  const wait = app.ingestLimiter.take(projectId, batch.samples.length * batch.metrics.length);
  if (wait > 0) {
    throw new RateLimitedError(`This project is over its ingest rate of ${config.rateLimitSamplesPerSecond} values per second. Retry after ${wait}s.`, wait);
  }
  const checked = validateSamples(batch, {
    nowMs,
    maxAgeMs: config.maxSampleAgeSeconds * 1000,
    maxFutureMs: config.maxFutureSkewSeconds * 1000,
  });
  const inWindow = (ts: number) => ts >= nowMs - config.maxSampleAgeSeconds * 1000 && ts <= nowMs + config.maxFutureSkewSeconds * 1000;
  const instanceId = await app.instances.resolve(projectId, batch, nowMs);
  const metricSetId = await app.metricSets.resolve(batch.metrics);
  let outcome;
  try {
    outcome = await app.sampleWriter.write({
      instanceId,
      seq: batch.seq,
      metricSetId,
      rows: checked.rows,
      snapshots: (batch.snapshots ?? []).filter((s) => inWindow(s.ts)),
    });
  } catch (err) {
    if (err instanceof WriterClosedError) throw new UnavailableError('Ingest is restarting; retry shortly.');
    throw err;
  }
  const accepted = outcome.duplicate ? checked.rows.length : outcome.stored;
  if (checked.rows.length > 0) app.lastSeen.saw(instanceId, Math.max(...checked.rows.map((r) => r.ts)));
  app.metrics.batches.inc({ outcome: outcome.duplicate ? 'duplicate' : 'stored' });
  app.metrics.samples.inc({ outcome: 'accepted' }, accepted);
  app.metrics.samples.inc({ outcome: 'rejected' }, checked.rejected);
  if (!outcome.duplicate && checked.rows.length > 0 && app.live.watches(instanceId)) publishLive(app, instanceId, batch, checked.rows);
  return {
    accepted,
    rejected: checked.rejected + (checked.rows.length - accepted),
    duplicate: outcome.duplicate,
    rejections: checked.rejections,
  };
}

function publishLive(app: FastifyInstance, instanceId: string, batch: IngestBatch, rows: { ts: number; values: (number | null)[] }[]): void {
  const picked = LIVE_METRICS.map((m) => batch.metrics.indexOf(m)).filter((i) => i >= 0);
  if (picked.length === 0) return;
  app.live.publish({
    instanceId,
    metrics: picked.map((i) => batch.metrics[i]!),
    rows: rows.map((r) => [r.ts, ...picked.map((i) => r.values[i] ?? null)]),
  });
}
