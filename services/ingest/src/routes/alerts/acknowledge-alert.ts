import type { FastifyInstance } from 'fastify';
import type { AcknowledgeAlert, AlertDetail } from '@memsight/contracts';
import { InvalidError, NotFoundError } from '../../lib/errors';
import { setAcknowledgement } from '../../queries/alerts';
import { getAlert } from './get-alert';

/** Acknowledges (body given) or un-acknowledges (null) an alert. */
export async function acknowledgeAlert(app: FastifyInstance, projectId: string, alertId: string, body: AcknowledgeAlert | null): Promise<AlertDetail> {
  const nowMs = app.clock.now();
  let expiresAtMs: number | null = null;
  if (body?.expiresAt) {
    expiresAtMs = Date.parse(body.expiresAt);
    if (!(expiresAtMs > nowMs)) throw new InvalidError('"expiresAt" must be in the future.', [{ path: '/expiresAt', message: 'must be in the future' }]);
  }
  const ack = body ? { atMs: nowMs, expiresAtMs, comment: body.comment ?? null } : null;
  if (!(await setAcknowledgement(app.pool, projectId, alertId, ack))) throw new NotFoundError(`Alert ${alertId} does not exist in this project.`);
  return getAlert(app, projectId, alertId);
}
