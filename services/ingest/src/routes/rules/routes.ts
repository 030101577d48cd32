// Alert rules: the detectors' defaults per project, overrides per app or
// instance, and threshold rules.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ensureBuiltinRules } from '@memsight/db';
import { PG_CHANNELS } from '@memsight/contracts';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { deleteAlertRule, getAlertRule, listAlertRules, notifyRulesChanged } from '../../queries/alert-rules';
import { createRule } from './create-rule';
import { createRuleSchema, deleteRuleSchema, getRuleSchema, listRulesSchema, updateRuleSchema } from './schemas';
import { updateRule } from './update-rule';

const ruleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/rules', { schema: listRulesSchema }, async (request) => {
    // A project sees its default rules before the alerter has ever run.
    await ensureBuiltinRules(app.pool, [request.projectId]);
    return { rules: await listAlertRules(app.pool, request.projectId, request.query) };
  });

  app.get('/api/rules/:ruleId', { schema: getRuleSchema }, async (request) => {
    const rule = await getAlertRule(app.pool, request.projectId, request.params.ruleId);
    if (!rule) throw new NotFoundError(`Rule ${request.params.ruleId} does not exist in this project.`);
    return rule;
  });

  app.post('/api/rules', { schema: createRuleSchema }, async (request, reply) => reply.code(201).send(await createRule(app, request.projectId, request.body)));

  app.patch('/api/rules/:ruleId', { schema: updateRuleSchema }, async (request) => updateRule(app, request.projectId, request.params.ruleId, request.body));

  app.delete('/api/rules/:ruleId', { schema: deleteRuleSchema }, async (request, reply) => {
    const outcome = await deleteAlertRule(app.pool, request.projectId, request.params.ruleId);
    if (outcome === 'missing') throw new NotFoundError(`Rule ${request.params.ruleId} does not exist in this project.`);
    if (outcome === 'builtin') throw new ConflictError('This is a default rule: it cannot be deleted. Disable it instead (PATCH { "enabled": false }).');
    await notifyRulesChanged(app.pool, PG_CHANNELS.rulesChanged, request.projectId);
    return reply.code(204).send(null);
  });
};

export default ruleRoutes;
