import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse } from '@memsight/contracts';
import { withDeadline } from '../../lib/database-errors';

const Health = Type.Object({ status: Type.String() });
// A load balancer's probe gives up after a few seconds; a hung PostgreSQL must
// fail the probe, not hang it (it used to wait as long as the server did).
const READY_TIMEOUT_MS = 2_000;

const healthRoutes: FastifyPluginAsync = async (app) => {
  // One check at a time, shared by every probe that arrives meanwhile: probes
  // against a hung server must not pile up connections.
  let check: Promise<unknown> | undefined;
  const ping = () => (check ??= withDeadline(app.pool.query('SELECT 1'), READY_TIMEOUT_MS, 'readiness check').finally(() => (check = undefined)));

  app.get('/livez', { schema: { tags: ['health'], response: { 200: Health } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], response: { 200: Health, 503: ErrorResponse } } }, async (_request, reply) => {
    try {
      await ping();
      return { status: 'ok' };
    } catch (err) {
      app.log.warn({ err }, 'readiness check failed');
      reply.header('retry-after', '5');
      return reply.code(503).send({ error: { code: 'database_unavailable', message: 'The database is not reachable.' } });
    }
  });
};

export default healthRoutes;
