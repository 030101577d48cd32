// The ingest action: decode the body (on a worker), resolve the instance,
// write through the group-commit writer, then tell live dashboards.
import type { FastifyInstance } from 'fastify';
import type { IngestResult } from '@memsight/contracts';
import { AppError, UnavailableError } from '../../lib/errors';
import { BatchRefusedError, WriterClosedError } from '../../lib/sample-writer';
import { withDeadline } from '../../lib/database-errors';
import type { Reservation } from '../../lib/ingest-admission';
import { stampIds } from '../../queries/samples-copy-binary';
import { refusedBeforeDecoding } from '../../decode/decode-pool';
import type { ErrorCode } from '@memsight/contracts';

export function isGzip(contentEncoding: string | undefined): boolean {
  const encoding = (contentEncoding ?? 'identity').toLowerCase().trim();
  if (encoding === 'gzip') return true;
  if (encoding === 'identity') return false;
  throw new AppError(415, 'unsupported_encoding', `Content-Encoding "${encoding}" is not supported; send gzip or no encoding.`);
}

export async function ingestBatch(
  app: FastifyInstance,
  projectId: string,
  body: Buffer,
  contentEncoding: string | undefined,
  reservation: Reservation,
): Promise<IngestResult> {
  const { config, clock } = app;
  const nowMs = clock.now();
  const window = { nowMs, maxAgeMs: config.maxSampleAgeSeconds * 1000, maxFutureMs: config.maxFutureSkewSeconds * 1000 };
  let decoded;
  try {
    decoded = await app.decoder.decode({ body, gzip: isGzip(contentEncoding), limitBytes: config.bodyLimitBytes, window }, projectId);
  } catch (err) {
    if (refusedBeforeDecoding(err)) app.ingestAdmission.refund(reservation);
    throw err;
  }
  if (!decoded.ok) {
    app.ingestAdmission.forfeit(reservation);
    const { status, code, message, details } = decoded.error;
    throw new AppError(status, code as ErrorCode, message, details);
  }
  const batch = decoded.batch;
  const { header } = batch;
  // Charged before decoding from an estimate; now the exact count (lib/ingest-admission.ts).
  app.ingestAdmission.settle(reservation, batch.sampleCount * header.metrics.length);
  // All waits on PostgreSQL on this path together end within commitTimeoutMs, under the agents' own timeout.
  const deadline = performance.now() + config.commitTimeoutMs;
  const left = () => Math.max(1, deadline - performance.now());
  const bound = <T>(work: Promise<T>, what: string) => withDeadline(work, left(), what);
  const instanceId = await bound(app.instances.resolve(projectId, header, nowMs), 'resolving the instance');
  const metricSetId = await bound(app.metricSets.resolve(projectId, header.metrics), 'resolving the metric set');
  const rowCount = batch.rowOffsets.length;
  const inWindow = (ts: number) => ts >= nowMs - window.maxAgeMs && ts <= nowMs + window.maxFutureMs;
  let outcome;
  try {
    outcome = await app.sampleWriter.write({
      instanceId,
      seq: header.seq,
      copy: stampIds(batch.rows, batch.rowOffsets, instanceId, metricSetId),
      rowCount,
      tsRange: rowCount > 0 ? [batch.firstTs, batch.lastTs] : undefined,
      snapshots: (header.snapshots ?? []).filter((s) => inWindow(s.ts)),
      // Drops are reported with the batch built after them: its newest sample is when they were counted.
      dropped: header.dropped ?? 0,
      droppedAtMs: rowCount > 0 ? batch.lastTs : nowMs,
    }, left());
  } catch (err) {
    if (err instanceof WriterClosedError) throw new UnavailableError('Ingest is restarting; retry shortly.');
    // Only this batch's rows were refused; the others of its group were committed.
    if (err instanceof BatchRefusedError) throw new AppError(400, 'invalid_body', err.message);
    throw err;
  }
  const accepted = outcome.duplicate ? rowCount : outcome.stored;
  if (rowCount > 0) app.lastSeen.saw(instanceId, batch.lastTs);
  if (!outcome.duplicate && outcome.stored > 0) app.commits.committed(instanceId);
  app.metrics.batches.inc({ outcome: outcome.duplicate ? 'duplicate' : 'stored' });
  app.metrics.samples.inc({ outcome: 'accepted' }, accepted);
  app.metrics.samples.inc({ outcome: 'rejected' }, batch.rejected);
  if (!outcome.duplicate && batch.live.rows.length > 0 && app.live.watches(instanceId)) {
    app.live.publish({ instanceId, metrics: batch.live.metrics, rows: batch.live.rows });
  }
  return {
    accepted,
    rejected: batch.rejected + (rowCount - accepted),
    duplicate: outcome.duplicate,
    rejections: batch.rejections,
  };
}
