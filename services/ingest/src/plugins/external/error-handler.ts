// One error handler for the whole API: every failure becomes
// `{ error: { code, message, details? } }`. Internals of 5xx errors stay in the log.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { AppError } from '../../lib/errors';

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
}

// PostgreSQL unreachable, restarting or out of connections: the client should
// retry later, so 503 rather than 500 (SQLSTATE classes 08 and 57P, 53300).
const STORAGE_DOWN_CODES = /^(08...|57P0[1-3]|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/;

export function mapError(err: FastifyError): Mapped {
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
  if (typeof err.code === 'string' && STORAGE_DOWN_CODES.test(err.code)) {
    return { status: 503, code: 'unavailable', message: 'Storage is unavailable; retry shortly.', headers: { 'retry-after': '5' } };
  }
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) return { status, code: 'invalid_request', message: err.message };
  return { status: 500, code: 'internal', message: 'Internal error. It has been logged; try again.' };
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const mapped = mapError(err);
      if (mapped.status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: mapped.code, msg: mapped.message }, 'request rejected');
      reply.headers(mapped.headers ?? {});
      return reply.code(mapped.status).send({
        error: { code: mapped.code, message: mapped.message, ...(mapped.details === undefined ? {} : { details: mapped.details }) },
      });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}. See /docs.` } }),
    );
  },
  { name: 'error-handler' },
);
