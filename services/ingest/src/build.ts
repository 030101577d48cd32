// Builds a ready-to-listen Fastify instance around the ingest plugin. Shared by
// server.ts, the stack launcher, tests and the benchmark.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import ingestApp, { type AppOptions } from './app';

// Credentials never reach the log, whatever a log line carries: a request's
// headers, a socket handshake's, or an error that quotes them.
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'handshake.auth',
  'handshake.headers.authorization',
  'handshake.headers.cookie',
  'auth.apiKey',
  'apiKey',
  'secret',
];

export async function buildIngest(opts: AppOptions & { logger?: boolean; logStream?: NodeJS.WritableStream }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: opts.config.logLevel, redact: LOG_REDACT_PATHS, ...(opts.logStream ? { stream: opts.logStream } : {}) },
    bodyLimit: opts.config.bodyLimitBytes,
    // Agents may sit behind proxies that add `X-Request-Id`; keep ours short.
    requestIdHeader: 'x-request-id',
    // plugins/external/drain.ts answers during shutdown, in our error envelope with Retry-After.
    return503OnClosing: false,
    // One log line per request would dominate at ingest rates; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // No type coercion: Ajv would turn a null value into 0 and "52" into 52,
    // silently changing what an agent sent. strictNumbers off: a value that
    // overflows to Infinity (1e999) passes the schema and is then rejected on
    // its own as non_finite_value, not the whole batch.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, strictNumbers: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(ingestApp, opts);
  await app.ready();
  return app;
}
