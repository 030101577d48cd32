// The key cache: answers are kept for the TTL so the hot path does not query
// per request, which means a revocation takes effect within one TTL, not at
// once. These tests pin both halves of that promise with a manual clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey, createPrisma, revokeApiKey } from '@memsight/db';
import { createTenant, ManualClock, testDatabaseUrl, type Tenant } from '../../testing/harness';
import { UnauthorizedError } from '../../lib/errors';
import { ApiKeyAuthenticator } from './auth';

const TTL_MS = 10_000;

describe('API key cache', () => {
  let tenant: Tenant;
  const prisma = createPrisma(testDatabaseUrl());

  before(async () => {
    tenant = await createTenant('auth-cache');
  });
  after(async () => {
    await prisma.$disconnect();
    await tenant.cleanup();
  });

  test('a key revoked while cached is refused once its cache entry expires', async () => {
    const clock = new ManualClock();
    const auth = new ApiKeyAuthenticator({ pool: tenant.pool, now: clock.now, ttlMs: TTL_MS });
    const key = await createApiKey(prisma, tenant.projectId, 'to-revoke');

    assert.equal(await auth.projectFor(key.secret, 'ingest'), tenant.projectId);
    await revokeApiKey(prisma, key.id);

    clock.ms += TTL_MS - 1;
    assert.equal(await auth.projectFor(key.secret, 'ingest'), tenant.projectId, 'still cached: no query within the TTL');

    clock.ms += 1;
    await assert.rejects(auth.projectFor(key.secret, 'ingest'), (err: unknown) => err instanceof UnauthorizedError && /revoked/.test(err.message));
  });

  test('an unknown key is remembered as unknown, and a key created meanwhile works after the TTL', async () => {
    const clock = new ManualClock();
    const auth = new ApiKeyAuthenticator({ pool: tenant.pool, now: clock.now, ttlMs: TTL_MS });
    await assert.rejects(auth.projectFor(undefined, 'ingest'), /Missing API key/);
    await assert.rejects(auth.projectFor('msk_not-a-real-key', 'ingest'), /Unknown API key/);

    const fresh = await createApiKey(prisma, tenant.projectId, 'fresh');
    assert.equal(await auth.projectFor(fresh.secret, 'ingest'), tenant.projectId, 'a different key is not affected by the cached miss');
    clock.ms += TTL_MS;
    assert.equal(await auth.projectFor(fresh.secret, 'ingest'), tenant.projectId, 'refreshed from the database after the TTL');
  });
});
