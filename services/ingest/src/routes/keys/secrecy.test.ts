// Keys are stored only as hashes, and the log never shows one (issue 14): the
// secrets of a suite's keys are searched for in every text column of the
// database, and in everything ingest logged at debug level while they were
// sent in Authorization headers, socket.io auth and cookies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { io as connect } from 'socket.io-client';
import { hashApiKey } from '@memsight/db';
import { buildIngest } from '../../build';
import { loadIngestConfig } from '../../config';
import { createTenant, testDatabaseUrl, type Tenant } from '../../testing/harness';
import { goldenBatch } from '../../testing/two-tenants';

const TEXT_TYPES = ['text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY'];

describe('API key secrecy', () => {
  let tenant: Tenant;
  let app: FastifyInstance;
  let url: string;
  const logged: string[] = [];
  const secrets: string[] = [];

  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const handshake = (auth: Record<string, string>, extraHeaders: Record<string, string> = {}) =>
    new Promise<void>((resolve) => {
      const s = connect(url, { auth, extraHeaders, transports: ['websocket'], reconnection: false });
      const done = () => (s.close(), resolve());
      s.once('connect', () => void s.emitWithAck('instance:subscribe', { instanceId: 'not a number' } as never).then(done));
      s.once('connect_error', done);
    });

  before(async () => {
    tenant = await createTenant('secrecy');
    const logStream = new Writable({ write: (chunk, _enc, next) => (logged.push(String(chunk)), next()) });
    const config = loadIngestConfig({}, { databaseUrl: testDatabaseUrl(), logLevel: 'trace', rollupIntervalSeconds: 0, socketAdapter: 'local' });
    app = await buildIngest({ config, logStream });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    secrets.push(tenant.apiKey, tenant.revokedKey);
    for (const scope of ['ingest', 'read', 'admin']) {
      const res = await call('POST', '/api/keys', { authorization: `Bearer ${tenant.apiKey}` }, { name: `${scope} key`, scope });
      assert.equal(res.status, 201);
      secrets.push(((await res.json()) as { secret: string }).secret);
    }
  });
  after(async () => {
    await app.close();
    await tenant.cleanup();
  });

  test('no column of any table holds a secret; api_keys holds its SHA-256', async () => {
    const { rows: columns } = await tenant.pool.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = ANY($1)
          AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE k.relname = c.table_name)`,
      [TEXT_TYPES],
    );
    assert.ok(columns.some((c) => c.table_name === 'api_keys'), 'api_keys is searched');
    const bodies = secrets.map((s) => s.slice(4)); // without msk_: a secret stored in any encoding of its own would still hold this
    for (const { table_name: table, column_name: column } of columns) {
      // Identifiers come from the catalogue, not from input.
      const { rows } = await tenant.pool.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}"::text LIKE ANY($1)`, [bodies.map((b) => `%${b}%`)]);
      assert.equal(rows[0].n, 0, `${table}.${column} holds a key secret`);
    }
    const { rows } = await tenant.pool.query('SELECT key_hash FROM api_keys WHERE project_id = $1', [tenant.projectId]);
    assert.deepEqual(rows.map((r) => r.key_hash).sort(), secrets.map(hashApiKey).sort());
  });

  test('the log never shows a secret or a cookie, at trace level, on success or refusal', async () => {
    const [admin, revoked, ingest, read] = secrets as [string, string, string, string];
    const cookie = 'better-auth.session_token=cookie-secret-0123456789';
    for (const key of [admin, revoked, read]) {
      await call('GET', '/api/apps', { authorization: `Bearer ${key}`, cookie });
      await call('GET', '/api/instances/1', { authorization: `Bearer ${key}` });
      await call('POST', '/api/keys', { authorization: `Bearer ${key}` }, { name: 'x', scope: 'nonsense' });
    }
    await call('POST', '/v1/ingest', { authorization: `Bearer ${ingest}` }, goldenBatch('secrecy-1', 'secrecy-app', Date.now()));
    await call('POST', '/v1/ingest', { authorization: `Bearer ${ingest}` }, { v: 1 });
    await call('POST', '/v1/ingest', { authorization: `bearer  ${ingest}  ` }, 'not json');
    await call('GET', '/api/apps', { authorization: `Basic ${Buffer.from(`x:${admin}`).toString('base64')}` });
    await call('GET', '/api/apps', { authorization: admin });
    for (const key of [admin, revoked, 'msk_unknown']) await handshake({ apiKey: key }, { cookie });
    await handshake({ apiKey: admin, project: 'not-a-uuid' });
    // An object that quotes a request's headers, as an error or a debugging line might.
    app.log.error({ req: { headers: { authorization: `Bearer ${admin}`, cookie } }, headers: { authorization: admin } }, 'quoting headers');
    await new Promise((r) => setTimeout(r, 100));

    const log = logged.join('');
    assert.ok(logged.length >= 10 && log.includes('quoting headers'), `the log was captured (${logged.length} lines)`);
    for (const secret of secrets) {
      assert.ok(!log.includes(secret) && !log.includes(secret.slice(4)), 'a key secret is in the log');
      assert.ok(!log.includes(Buffer.from(`x:${secret}`).toString('base64')), 'a Basic credential is in the log');
    }
    assert.ok(!log.includes('cookie-secret-0123456789'), 'a session cookie is in the log');
  });
});
