import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyError } from 'fastify';
import { mapError } from './error-handler';
import { AppError, DatabaseUnavailableError, RateLimitedError } from '../../lib/errors';

const fake = (props: Partial<FastifyError> & { message?: string }) => Object.assign(new Error(props.message ?? 'x'), props) as FastifyError;

test('a database that is down, restarting, hung or out of connections maps to 503 database_unavailable with Retry-After', () => {
  for (const code of ['ECONNREFUSED', '57P01', '57P03', '08006', '08001', '53300', '57014', 'P1001', 'P2024']) {
    const mapped = mapError(fake({ code }));
    assert.deepEqual([mapped.status, mapped.code, mapped.headers?.['retry-after']], [503, 'database_unavailable', '5'], code);
  }
  // pg and pg-pool raise their timeouts without a code; Prisma's adapter wraps the pg error as its cause.
  for (const message of ['timeout exceeded when trying to connect', 'Query read timeout', 'Connection terminated unexpectedly']) {
    assert.equal(mapError(fake({ message })).status, 503, message);
  }
  assert.equal(mapError(fake({ message: 'wrapped', cause: Object.assign(new Error('x'), { code: '57P01' }) } as never)).status, 503);
  assert.equal(mapError(new DatabaseUnavailableError('the commit took over 4000 ms') as unknown as FastifyError).code, 'database_unavailable');
});

test('5xx answers carry a fixed text per code, never the error message', () => {
  const unknown = mapError(fake({ code: '42P01', message: 'relation "secret_table" does not exist' }));
  assert.equal(unknown.status, 500);
  assert.doesNotMatch(unknown.message, /secret_table/, 'internals stay in the log');
  // A crashed decode worker's message used to reach the client.
  const crashed = mapError(new AppError(500, 'internal', 'decode failed: Cannot read properties of undefined (reading "x") at /srv/worker.ts:12') as unknown as FastifyError);
  assert.doesNotMatch(crashed.message, /decode failed|worker/);
  const slow = mapError(new DatabaseUnavailableError('batch seq 7 not committed within 4000 ms') as unknown as FastifyError);
  assert.doesNotMatch(slow.message, /seq 7|4000/);
  assert.equal(mapError(new AppError(503, 'invalid_body', 'odd') as unknown as FastifyError).code, 'internal', 'a 5xx with a 4xx code is an internal error');
});

test('app errors keep their status, code and headers; body limits become 413', () => {
  const limited = mapError(new RateLimitedError('slow down', 3) as unknown as FastifyError);
  assert.deepEqual([limited.status, limited.code, limited.headers?.['retry-after'], limited.message], [429, 'rate_limited', '3', 'slow down']);
  assert.equal(mapError(fake({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).status, 413);
  assert.equal(mapError(fake({ code: '23505', message: 'duplicate key' })).status, 500, 'a data error nobody handled is ours');
});
