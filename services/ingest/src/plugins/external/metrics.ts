// Prometheus metrics about ingest itself, served at /metrics.
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface IngestMetrics {
  registry: Registry;
  batches: Counter<'outcome'>;
  samples: Counter<'outcome'>;
  /** Batches refused by a cardinality cap (lib/registries.ts), by which cap. */
  refused: Counter<'reason'>;
  flushSeconds: Histogram;
  requestSeconds: Histogram<'route' | 'status'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: IngestMetrics;
  }
}

export default fp(
  async (app) => {
    // A registry per app instance, so tests that build several apps never collide.
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const metrics: IngestMetrics = {
      registry,
      batches: new Counter({ name: 'memsight_ingest_batches_total', help: 'Ingest batches by outcome', labelNames: ['outcome'], registers: [registry] }),
      samples: new Counter({ name: 'memsight_ingest_samples_total', help: 'Samples by outcome', labelNames: ['outcome'], registers: [registry] }),
      refused: new Counter({ name: 'memsight_ingest_refused_total', help: 'Batches refused by a cardinality cap, by cap', labelNames: ['reason'], registers: [registry] }),
      flushSeconds: new Histogram({ name: 'memsight_ingest_flush_seconds', help: 'Time to commit one group of batches', registers: [registry], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] }),
      requestSeconds: new Histogram({ name: 'memsight_http_request_seconds', help: 'HTTP request duration', labelNames: ['route', 'status'], registers: [registry] }),
    };
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (request, reply) => {
      metrics.requestSeconds.observe(
        { route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
