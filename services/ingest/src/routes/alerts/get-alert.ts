import type { FastifyInstance } from 'fastify';
import { selectAlertSummaries } from '@memsight/db';
import type { AlertDetail } from '@memsight/contracts';
import { NotFoundError } from '../../lib/errors';
import { listAlertTransitions } from '../../queries/alerts';

export async function getAlert(app: FastifyInstance, projectId: string, alertId: string): Promise<AlertDetail> {
  const [alert] = await selectAlertSummaries(app.pool, { projectId, ids: [alertId], limit: 1 }, app.clock.now(), true);
  if (!alert) throw new NotFoundError(`Alert ${alertId} does not exist in this project.`);
  return { ...alert, evidence: alert.evidence ?? { nextStep: '' }, transitions: await listAlertTransitions(app.pool, alertId) };
}
