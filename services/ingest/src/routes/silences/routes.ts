import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../lib/errors';
import { expireSilence, listSilences } from '../../queries/silences';
import { createSilence } from './create-silence';
import { createSilenceSchema, expireSilenceSchema, listSilencesSchema } from './schemas';

const silenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/silences', { schema: listSilencesSchema }, async (request) => ({
    silences: await listSilences(app.pool, request.projectId, app.clock.now(), request.query.expired === '1'),
  }));

  app.post('/api/silences', { schema: createSilenceSchema }, async (request, reply) => reply.code(201).send(await createSilence(app, request.projectId, request.body)));

  app.delete('/api/silences/:silenceId', { schema: expireSilenceSchema }, async (request, reply) => {
    if (!(await expireSilence(app.pool, request.projectId, request.params.silenceId, app.clock.now()))) {
      throw new NotFoundError(`Silence ${request.params.silenceId} does not exist in this project.`);
    }
    return reply.code(204).send(null);
  });
};

export default silenceRoutes;
