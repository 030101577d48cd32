// One error handler for the whole API: every failure becomes
// `{ error: { code, message, details? } }`. Internals of 5xx errors stay in the
// log: their messages are fixed per code, with the request id to find the log line.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { AppError } from '../../lib/errors';
import { isDatabaseUnavailable } from '../../lib/database-errors';

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
}

// Any AppError message used to reach the client, a crashed decode worker's
// `decode failed: <stack detail>` included: a 5xx now says only this.
const FIXED_5XX: Record<string, string> = {
  unavailable: 'The service is briefly unavailable; retry after the seconds in Retry-After.',
  database_unavailable: 'The database is unavailable or too slow right now; nothing was stored. Retry after the seconds in Retry-After.',
  decode_unavailable: 'Ingest is too busy to decode this batch right now; retry after the seconds in Retry-After.',
  internal: 'Internal error. It has been logged; try again.',
};
const DATABASE_DOWN: Mapped = { status: 503, code: 'database_unavailable', message: FIXED_5XX.database_unavailable!, headers: { 'retry-after': '5' } };

/** What the client is told of a 5xx: a fixed text per code, never the error's own message. */
function hideInternals(m: Mapped): Mapped {
  if (m.status < 500) return m;
  const code = FIXED_5XX[m.code] ? m.code : 'internal';
  return { status: m.status, code, message: FIXED_5XX[code]!, headers: m.headers };
}

export function mapError(err: FastifyError): Mapped {
  return hideInternals(mapAnyError(err));
}

function mapAnyError(err: FastifyError): Mapped {
  // Before AppError: pool exhaustion, timeouts and refused connections are all "retry later", never a 500.
  if (isDatabaseUnavailable(err)) return DATABASE_DOWN;
  if (err instanceof AppError) {
    return { status: err.statusCode, code: err.code, message: err.message, details: err.details, headers: err.headers };
  }
  if (err.validation) {
    const details = err.validation.slice(0, 20).map((v) => ({
      path: v.instancePath || '/',
      message: v.message ?? 'is invalid',
    }));
    const where = err.validationContext ?? 'body';
    return {
      status: 400,
      code: where === 'body' ? 'invalid_body' : 'invalid_request',
      message: `The request ${where} does not match the schema: ${details[0]?.path} ${details[0]?.message}. See /docs for the expected format.`,
      details,
    };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: 'The request body is over the size limit (measured after decompression). Send smaller batches.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'invalid_request', message: 'Send the body as application/json.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: 'The body is empty; send a JSON object.' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'invalid_request', message: 'Content-Length does not match the body that was sent.' };
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    const proto = /prototype|__proto__|constructor/i.test(err.message);
    return {
      status: 400,
      code: 'invalid_json',
      message: proto
        ? 'The body contains a forbidden "__proto__" or "constructor" key. Remove it and send again.'
        : `The body is not valid JSON (${err.message}). Note that NaN and Infinity are not JSON; send null for a missing value.`,
    };
  }
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) return { status, code: 'invalid_request', message: err.message };
  return { status: 500, code: 'internal', message: FIXED_5XX.internal! };
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const mapped = mapError(err);
      // The id goes back with a 5xx so support can find this log line (pino logs it as reqId).
      const details = mapped.status >= 500 ? { requestId: request.id } : mapped.details;
      if (mapped.code === 'database_unavailable') request.log.warn({ err, code: mapped.code }, 'database unavailable');
      else if (mapped.status >= 500) request.log.error({ err, code: mapped.code }, 'request failed');
      else request.log.info({ code: mapped.code, msg: mapped.message }, 'request rejected');
      reply.headers(mapped.headers ?? {});
      return reply.code(mapped.status).send({
        error: { code: mapped.code, message: mapped.message, ...(details === undefined ? {} : { details }) },
      });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}. See /docs.` } }),
    );
  },
  { name: 'error-handler' },
);
