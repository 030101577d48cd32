import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse } from '@memsight/contracts';

const Health = Type.Object({ status: Type.String() });

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/livez', { schema: { tags: ['health'], response: { 200: Health } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], response: { 200: Health, 503: ErrorResponse } } }, async (_request, reply) => {
    try {
      await app.pool.query('SELECT 1');
      return { status: 'ok' };
    } catch (err) {
      app.log.warn({ err }, 'readiness check failed');
      return reply.code(503).send({ error: { code: 'unavailable', message: 'The database is not reachable.' } });
    }
  });
};

export default healthRoutes;
