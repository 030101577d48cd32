import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, RateLimitedError } from '../../lib/errors';
import type { Reservation } from '../../lib/ingest-admission';
import { ingestBatch, isGzip } from './ingest-batch';
import { ingestSchema } from './schemas';

declare module 'fastify' {
  interface FastifyRequest {
    ingestReservation?: Reservation;
  }
}

/** Refused bodies up to this size are read and discarded, keeping the connection; larger ones close it. */
const DRAIN_REFUSED_BYTES = 64 * 1024;

const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The body reaches the action as raw bytes: inflating, parsing and checking
  // it against the contract happen on a decode worker (see src/decode), so
  // Fastify's own JSON parsing and validation are switched off for this route.
  // The schema stays on the route for the OpenAPI docs.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Charge the project before its body is read (lib/ingest-admission.ts).
  // A small refused body is still read off the socket (Node discards it, no
  // parsing): closing at once can reset a connection whose client has sent
  // everything and waits for its 429 and Retry-After. A large one is not: the
  // connection closes after the answer. Reading and discarding a flood of
  // refused 9.5 MB bodies took most of the event loop's time (bench:isolation),
  // and a client that reads while it sends (fetch) still gets its 429.
  const admit = async (request: FastifyRequest, reply: FastifyReply) => {
    const declared = Number(request.headers['content-length']);
    const bodyBytes = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
    const { reservation, wait, busy } = app.ingestAdmission.reserve(request.projectId, bodyBytes, isGzip(request.headers['content-encoding']));
    if (wait > 0) {
      if ((bodyBytes ?? Infinity) > DRAIN_REFUSED_BYTES) reply.header('connection', 'close');
      // Answered late, its body unread, so a client that ignores Retry-After cannot resend at once (lib/refusal-delay.ts).
      await app.refusalDelay.hold(request.raw, wait);
      throw new RateLimitedError(
        busy
          ? `This project already has ${app.config.maxInflightBytesPerProject} bytes of batches being decoded; send fewer large batches at once and retry after ${wait}s.`
          : `This project is over its ingest rate of ${app.config.rateLimitSamplesPerSecond} values per second. Retry after ${wait}s.`,
        wait,
      );
    }
    request.ingestReservation = reservation;
  };

  app.post('/v1/ingest', {
    schema: ingestSchema,
    validatorCompiler: () => () => true,
    // Authenticate, then charge, before reading the body: a refused client costs no decoding.
    onRequest: [app.authenticate, admit],
    // A batch that failed before the handler settled it (413, a bad encoding) still pays its reservation.
    onResponse: async (request) => request.ingestReservation && app.ingestAdmission.forfeit(request.ingestReservation),
    onRequestAbort: async (request) => request.ingestReservation && app.ingestAdmission.forfeit(request.ingestReservation),
    config: { scope: 'ingest' },
    bodyLimit: app.config.bodyLimitBytes,
    handler: async (request) => {
      // No Content-Type means no parser ran and no body: refused here, not handed on as bytes (a 500 the fuzzer found).
      if (!Buffer.isBuffer(request.body)) throw new AppError(400, 'invalid_json', 'The body is empty; send a JSON object (Content-Type: application/json).');
      return ingestBatch(app, request.projectId, request.body, request.headers['content-encoding'], request.ingestReservation!);
    },
  });
};

export default ingestRoutes;
