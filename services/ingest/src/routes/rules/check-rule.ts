// What a rule must satisfy besides its JSON shape: params valid for the kind,
// and a scope that exists in the project. Problems name their field.
import type { FastifyInstance } from 'fastify';
import { checkRuleParams, type AlertKind } from '@memsight/contracts';
import { InvalidError } from '../../lib/errors';
import { findScope } from '../../queries/project-scope';

export function checkedParams(kind: AlertKind, params: unknown): Record<string, unknown> {
  const check = checkRuleParams(kind, params ?? {});
  if (!check.ok) {
    const first = check.problems[0]!;
    throw new InvalidError(`The rule's params are not valid for a ${kind} rule: ${first.path} ${first.message}`, check.problems);
  }
  // Store only what the user set: defaults stay defaults, so a later release's better default applies.
  return (params ?? {}) as Record<string, unknown>;
}

export async function checkScope(app: FastifyInstance, projectId: string, appId: string | null, instanceId: string | null): Promise<string | null> {
  const scope = await findScope(app.pool, projectId, appId, instanceId);
  if (!scope.app) throw new InvalidError(`App ${appId} does not exist in this project.`, [{ path: '/appId', message: 'no such app in this project' }]);
  if (!scope.instance) throw new InvalidError(`Instance ${instanceId} does not exist in this project.`, [{ path: '/instanceId', message: 'no such instance in this project' }]);
  if (appId && instanceId && scope.instanceAppId !== appId) {
    throw new InvalidError(`Instance ${instanceId} is not an instance of app ${appId}.`, [{ path: '/instanceId', message: 'belongs to another app' }]);
  }
  // An instance-scoped rule is also scoped to the instance's app.
  return appId ?? scope.instanceAppId;
}
