import fp from 'fastify-plugin';
import type { IngestConfig } from '../../config';

export interface Clock {
  now: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: IngestConfig;
    clock: Clock;
  }
}

export default fp<{ config: IngestConfig; clock: Clock }>(
  async (app, opts) => {
    app.decorate('config', opts.config);
    app.decorate('clock', opts.clock);
  },
  { name: 'config' },
);
