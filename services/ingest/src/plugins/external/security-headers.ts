// Security headers on every answer (issue 14), helmet's defaults with two
// changes for an API that is often reached over plain HTTP inside a network:
// no upgrade-insecure-requests, which would send /docs' own scripts to an
// https:// that is not there, and no framing at all. Swagger UI at /docs loads
// only its own scripts and inline styles, which the default policy allows.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

export default fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: true, directives: { 'frame-ancestors': ["'none'"], 'upgrade-insecure-requests': null } },
      frameguard: { action: 'deny' },
    });
  },
  { name: 'security-headers' },
);
