import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decompressBody } from './decompress';
import { ingestBatch } from './ingest-batch';
import { ingestSchema } from './schemas';

const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/ingest', {
    schema: ingestSchema,
    // Authenticate before reading the body: an unauthorised client costs no decompression.
    onRequest: app.authenticate,
    preParsing: decompressBody,
    bodyLimit: app.config.bodyLimitBytes,
    handler: async (request) => ingestBatch(app, request.projectId, request.body),
  });
};

export default ingestRoutes;
