// API keys: created with a scope and revealed once, listed by prefix, revoked.
// Every route here needs an admin key (the default for writes; set for the list).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { generateApiKey } from '@memsight/db';
import { NotFoundError } from '../../lib/errors';
import { insertApiKey, listApiKeys, revokeKey } from '../../queries/api-keys';
import { createKeySchema, listKeysSchema, revokeKeySchema } from './schemas';

const keyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/keys', { schema: listKeysSchema, config: { scope: 'admin' } }, async (request) => ({ keys: await listApiKeys(app.pool, request.projectId) }));

  app.post('/api/keys', { schema: createKeySchema }, async (request, reply) => {
    const secret = generateApiKey();
    const key = await insertApiKey(app.pool, request.projectId, { name: request.body.name, scope: request.body.scope, prefix: secret.prefix, keyHash: secret.keyHash });
    return reply.code(201).send({ key, secret: secret.secret });
  });

  app.delete('/api/keys/:keyId', { schema: revokeKeySchema }, async (request) => {
    const key = await revokeKey(app.pool, request.projectId, request.params.keyId, app.clock.now());
    if (!key) throw new NotFoundError(`API key ${request.params.keyId} does not exist in this project.`);
    // Refused here at once; other replicas when revokeKey's NOTIFY reaches them (plugins/app/listener.ts).
    app.apiKeys.invalidate();
    return key;
  });
};

export default keyRoutes;
