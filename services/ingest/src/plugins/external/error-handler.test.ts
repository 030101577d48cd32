import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyError } from 'fastify';
import { mapError } from './error-handler';
import { RateLimitedError } from '../../lib/errors';

const fake = (props: Partial<FastifyError> & { message?: string }) => Object.assign(new Error(props.message ?? 'x'), props) as FastifyError;

test('a database that is down or restarting maps to 503 with Retry-After, anything unknown to a bare 500', () => {
  for (const code of ['ECONNREFUSED', '57P01', '08006', '53300']) {
    const mapped = mapError(fake({ code }));
    assert.equal(mapped.status, 503, code);
    assert.equal(mapped.headers?.['retry-after'], '5');
  }
  const unknown = mapError(fake({ code: '42P01', message: 'relation "secret_table" does not exist' }));
  assert.equal(unknown.status, 500);
  assert.doesNotMatch(unknown.message, /secret_table/, 'internals stay in the log');
});

test('app errors keep their status, code and headers; body limits become 413', () => {
  const limited = mapError(new RateLimitedError('slow down', 3) as unknown as FastifyError);
  assert.deepEqual([limited.status, limited.code, limited.headers?.['retry-after']], [429, 'rate_limited', '3']);
  assert.equal(mapError(fake({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).status, 413);
});
