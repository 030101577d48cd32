// Shutdown drain: once close begins, requests already running finish (the
// server's close waits for them, and only then does the writer commit what is
// queued), while each new request on a kept-alive connection is answered 503
// with Retry-After and Connection: close, so an agent retries elsewhere or
// after the restart. Fastify's own 503 has neither our envelope nor Retry-After.
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    let draining = false;
    app.addHook('preClose', async () => {
      draining = true;
    });
    app.addHook('onRequest', async (_request, reply) => {
      if (!draining) return;
      return reply
        .code(503)
        .headers({ 'retry-after': '1', connection: 'close' })
        .send({ error: { code: 'unavailable', message: 'This ingest process is shutting down; retry shortly.' } });
    });
  },
  { name: 'drain' },
);
