import type { FastifyInstance } from 'fastify';
import { PG_CHANNELS, RULE_DEFAULTS, type AlertRule, type CreateAlertRule } from '@memsight/contracts';
import { InvalidError } from '../../lib/errors';
import { insertAlertRule, notifyRulesChanged } from '../../queries/alert-rules';
import { checkedParams, checkScope } from './check-rule';

export async function createRule(app: FastifyInstance, projectId: string, body: CreateAlertRule): Promise<AlertRule> {
  const defaults = RULE_DEFAULTS[body.kind];
  if (body.kind === 'threshold' && body.params === undefined) {
    throw new InvalidError('A threshold rule needs params: { metric, op, value }.', [{ path: '/params', message: 'is required for threshold rules' }]);
  }
  const params = checkedParams(body.kind, body.params);
  const appId = await checkScope(app, projectId, body.appId ?? null, body.instanceId ?? null);
  const rule = await insertAlertRule(app.pool, projectId, {
    kind: body.kind,
    appId,
    instanceId: body.instanceId ?? null,
    name: body.name ?? defaults.name,
    enabled: body.enabled ?? true,
    severity: body.severity ?? defaults.severity,
    forSeconds: body.forSeconds ?? defaults.forSeconds,
    keepFiringForSeconds: body.keepFiringForSeconds ?? defaults.keepFiringForSeconds,
    params,
  });
  await notifyRulesChanged(app.pool, PG_CHANNELS.rulesChanged, projectId);
  return rule;
}
