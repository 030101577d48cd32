// The process's one LISTEN session (lib/pg-listener.ts), shared by the
// features that hear from other processes: alert transitions from the alerter,
// and keys revoked through any ingest replica, so a revoked key is refused by
// every replica at once rather than when its cached answer expires.
import fp from 'fastify-plugin';
import { PG_CHANNELS } from '@memsight/contracts';
import { PgListener } from '../../lib/pg-listener';

declare module 'fastify' {
  interface FastifyInstance {
    listener: PgListener;
  }
}

export default fp(
  async (app) => {
    const listener = new PgListener({
      connectionString: app.config.databaseUrl,
      // With the pid, an operator (or a test) can tell which process a session belongs to.
      applicationName: `memsight-ingest-listener:${process.pid}`,
      retryMs: 1000,
      onError: (err, what) => app.log.warn({ err }, what),
    });
    app.decorate('listener', listener);
    listener.on(PG_CHANNELS.keysChanged, () => app.apiKeys.invalidate());
    // A revocation announced while the session was down was missed: forget every cached answer.
    listener.onReconnect(() => app.apiKeys.invalidate());
    // onReady, after every plugin has registered its channels.
    app.addHook('onReady', () => listener.start());
    app.addHook('preClose', () => listener.close());
  },
  { name: 'listener', dependencies: ['config', 'auth'] },
);
