import type { FastifyInstance } from 'fastify';
import type { AlertTransitionList } from '@memsight/contracts';
import { InvalidError } from '../../lib/errors';
import { latestTransitionId } from '../../queries/alerts';
import { listTransitionEvents } from '../../queries/list-transition-events';

export async function listAlertTransitionEvents(app: FastifyInstance, projectId: string, q: { after?: string; limit?: string }): Promise<AlertTransitionList> {
  const limit = q.limit ? Number(q.limit) : 500;
  if (limit < 1 || limit > 500) throw new InvalidError('Query parameter "limit" must be between 1 and 500.');
  if (q.after === undefined) return { events: [], cursor: await latestTransitionId(app.pool, projectId) };
  const events = (await listTransitionEvents(app.pool, projectId, q.after, limit, app.clock.now())).map(({ projectId: _p, ...e }) => e);
  return { events, cursor: events.at(-1)?.cursor ?? q.after };
}
