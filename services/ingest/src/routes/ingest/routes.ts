import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ingestBatch } from './ingest-batch';
import { ingestSchema } from './schemas';

const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The body reaches the action as raw bytes: inflating, parsing and checking
  // it against the contract happen on a decode worker (see src/decode), so
  // Fastify's own JSON parsing and validation are switched off for this route.
  // The schema stays on the route for the OpenAPI docs.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/v1/ingest', {
    schema: ingestSchema,
    validatorCompiler: () => () => true,
    // Authenticate before reading the body: an unauthorised client costs no decoding.
    onRequest: app.authenticate,
    config: { scope: 'ingest' },
    bodyLimit: app.config.bodyLimitBytes,
    handler: async (request) => ingestBatch(app, request.projectId, request.body as unknown as Buffer, request.headers['content-encoding']),
  });
};

export default ingestRoutes;
