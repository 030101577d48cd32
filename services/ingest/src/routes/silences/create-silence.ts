import type { FastifyInstance } from 'fastify';
import type { CreateSilence, Silence } from '@memsight/contracts';
import { InvalidError } from '../../lib/errors';
import { findScope } from '../../queries/project-scope';
import { insertSilence } from '../../queries/silences';

export async function createSilence(app: FastifyInstance, projectId: string, body: CreateSilence): Promise<Silence> {
  const nowMs = app.clock.now();
  const startsAtMs = body.startsAt ? Date.parse(body.startsAt) : nowMs;
  const endsAtMs = Date.parse(body.endsAt);
  if (!(endsAtMs > startsAtMs)) throw new InvalidError('"endsAt" must be after "startsAt" (default: now).', [{ path: '/endsAt', message: 'must be after startsAt' }]);
  if (!(endsAtMs > nowMs)) throw new InvalidError('"endsAt" is in the past: the silence would never apply.', [{ path: '/endsAt', message: 'must be in the future' }]);
  const { appId = null, instanceId = null, kind = null } = body.matchers;
  const scope = await findScope(app.pool, projectId, appId, instanceId);
  if (!scope.app) throw new InvalidError(`App ${appId} does not exist in this project.`, [{ path: '/matchers/appId', message: 'no such app in this project' }]);
  if (!scope.instance) throw new InvalidError(`Instance ${instanceId} does not exist in this project.`, [{ path: '/matchers/instanceId', message: 'no such instance in this project' }]);
  return insertSilence(app.pool, projectId, { appId, instanceId, kind, startsAtMs, endsAtMs, comment: body.comment ?? '' }, nowMs);
}
