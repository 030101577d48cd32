import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createAuth } from '@memsight/auth';
import { testDatabaseUrl } from '../testing/harness';
import { ConfigError, loadIngestConfig } from '../config';
import { bootstrapFirstAdmin } from './first-admin';

const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';
let pool: pg.Pool;
before(() => {
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
});
after(() => pool.end());

const config = (env: Record<string, string>) => loadIngestConfig({ DATABASE_URL: testDatabaseUrl(), MEMSIGHT_DASHBOARD_URL: 'http://127.0.0.1:3999', ...env });

test('with an email and a password, ingest makes the default project and its first admin once, who can then sign in', async () => {
  const email = `first-admin-${process.pid}-${Date.now()}@example.com`;
  const c = config({ MEMSIGHT_ADMIN_EMAIL: email, MEMSIGHT_ADMIN_PASSWORD: 'correct horse battery', MEMSIGHT_AUTH_SECRET: SECRET });
  assert.deepEqual(await bootstrapFirstAdmin(pool, c), { email, created: true });
  assert.deepEqual(await bootstrapFirstAdmin(pool, c), { email, created: false }, 'a second start (or replica) changes nothing');
  const { rows } = await pool.query(
    `SELECT m.role, p.slug FROM project_members m JOIN projects p ON p.id = m.project_id JOIN "user" u ON u.id = m.user_id WHERE u.email = $1`,
    [email],
  );
  assert.deepEqual(rows, [{ role: 'admin', slug: 'default' }]);
  const auth = createAuth({ pool, secret: SECRET, baseURL: 'http://127.0.0.1:3999' });
  const signedIn = await auth.api.signInEmail({ body: { email, password: 'correct horse battery' } });
  assert.equal(signedIn.user.email, email);
  await assert.rejects(auth.api.signInEmail({ body: { email, password: 'not the password' } }));
});

test('nothing is made without the variables; half of them, or no session secret, is a configuration error', async () => {
  assert.equal(await bootstrapFirstAdmin(pool, config({})), null);
  await assert.rejects(bootstrapFirstAdmin(pool, config({ MEMSIGHT_ADMIN_EMAIL: 'a@example.com', MEMSIGHT_AUTH_SECRET: SECRET })), (e) => e instanceof ConfigError && /go together/.test(e.message));
  await assert.rejects(bootstrapFirstAdmin(pool, config({ MEMSIGHT_ADMIN_EMAIL: 'a@example.com', MEMSIGHT_ADMIN_PASSWORD: 'long enough pw' })), (e) => e instanceof ConfigError && /MEMSIGHT_AUTH_SECRET/.test(e.message));
  assert.throws(() => config({ MEMSIGHT_ADMIN_EMAIL: 'a@example.com', MEMSIGHT_ADMIN_PASSWORD: 'short' }), ConfigError);
});
