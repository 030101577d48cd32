// OpenAPI generated from the route schemas, browsable at /docs.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: { title: 'memsight ingest and query API', version: '1' },
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A project API key (msk_...)' } },
        },
        security: [{ apiKey: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
