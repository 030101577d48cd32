import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadIngestConfig } from './config';

test('defaults apply and integers are parsed from the environment', () => {
  const c = loadIngestConfig({ DATABASE_URL: 'postgresql://x/y', INGEST_PORT: '5001', INGEST_FLUSH_INTERVAL_MS: '0' });
  assert.equal(c.port, 5001);
  assert.equal(c.flushIntervalMs, 0);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.bodyLimitBytes, 10 * 1024 * 1024);
});

test('bad values name the environment variable', () => {
  assert.throws(() => loadIngestConfig({}), (e: unknown) => e instanceof ConfigError && /DATABASE_URL is required/.test(e.message));
  assert.throws(
    () => loadIngestConfig({ DATABASE_URL: 'x', INGEST_PORT: 'eighty' }),
    (e: unknown) => e instanceof ConfigError && /INGEST_PORT/.test(e.message),
  );
  assert.throws(
    () => loadIngestConfig({ DATABASE_URL: 'x', LOG_LEVEL: 'loud' }),
    (e: unknown) => e instanceof ConfigError && /LOG_LEVEL/.test(e.message),
  );
});
