import type { FastifyInstance } from 'fastify';
import { PG_CHANNELS, type AlertRule, type UpdateAlertRule } from '@memsight/contracts';
import { NotFoundError } from '../../lib/errors';
import { getAlertRule, notifyRulesChanged, updateAlertRule } from '../../queries/alert-rules';
import { checkedParams } from './check-rule';

export async function updateRule(app: FastifyInstance, projectId: string, ruleId: string, body: UpdateAlertRule): Promise<AlertRule> {
  const current = await getAlertRule(app.pool, projectId, ruleId);
  if (!current) throw new NotFoundError(`Rule ${ruleId} does not exist in this project.`);
  const params = body.params === undefined ? current.params : checkedParams(current.kind, body.params);
  const updated = await updateAlertRule(app.pool, projectId, ruleId, {
    name: body.name ?? current.name,
    enabled: body.enabled ?? current.enabled,
    severity: body.severity ?? current.severity,
    forSeconds: body.forSeconds ?? current.forSeconds,
    keepFiringForSeconds: body.keepFiringForSeconds ?? current.keepFiringForSeconds,
    params: params as Record<string, unknown>,
  });
  if (!updated) throw new NotFoundError(`Rule ${ruleId} does not exist in this project.`);
  await notifyRulesChanged(app.pool, PG_CHANNELS.rulesChanged, projectId);
  return updated;
}
