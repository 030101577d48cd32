// Dashboard sessions at ingest: Better Auth's cookie maps to a project
// membership (admin → changes, member → reads), cookie writes need the CSRF
// header, and the live feed accepts the cookie too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { io } from 'socket.io-client';
import { createAuth } from '@memsight/auth';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';

const SECRET = 'test-secret-'.padEnd(48, 'x');
const DASHBOARD = 'http://127.0.0.1:3999';

describe('dashboard sessions at ingest', () => {
  let tenant: Tenant;
  let app: FastifyInstance;
  let url: string;
  const users: string[] = [];
  const cookies: Record<'admin' | 'member' | 'outsider', string> = { admin: '', member: '', outsider: '' };

  async function person(role: 'admin' | 'member' | null): Promise<string> {
    const auth = createAuth({ pool: tenant.pool, secret: SECRET, baseURL: DASHBOARD, allowSignUp: true });
    const email = `${role ?? 'outsider'}-${randomUUID().slice(0, 8)}@example.test`;
    const password = 'correct horse battery';
    const { user } = await auth.api.signUpEmail({ body: { email, password, name: email } });
    users.push(user.id);
    if (role) await tenant.pool.query('INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)', [tenant.projectId, user.id, role]);
    const res = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
    return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  }

  const call = (method: string, path: string, cookie: string, extra: Record<string, string> = {}, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { cookie, ...extra, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const silence = { matchers: { kind: 'leak' }, endsAt: new Date(Date.now() + 600_000).toISOString() };

  before(async () => {
    tenant = await createTenant('sessions');
    const started = await startTestIngest({ authSecret: SECRET, dashboardUrl: DASHBOARD });
    app = started.app;
    url = started.url;
    cookies.admin = await person('admin');
    cookies.member = await person('member');
    cookies.outsider = await person(null);
  });
  after(async () => {
    await app.close();
    await tenant.pool.query('DELETE FROM "user" WHERE id = ANY($1)', [users]);
    await tenant.cleanup();
  });

  test("a signed-in admin reads and changes the project's data; writes need the CSRF header", async () => {
    assert.equal((await call('GET', '/api/rules', cookies.admin)).status, 200);
    const noHeader = await call('POST', '/api/silences', cookies.admin, {}, silence);
    assert.equal(noHeader.status, 403);
    assert.match((await noHeader.json()).error.message, /x-memsight-csrf/);
    assert.equal((await call('POST', '/api/silences', cookies.admin, { 'x-memsight-csrf': '1' }, silence)).status, 201);
  });

  test('a member reads but cannot change; an outsider and a forged cookie get nothing', async () => {
    assert.equal((await call('GET', '/api/alerts', cookies.member)).status, 200);
    const change = await call('POST', '/api/silences', cookies.member, { 'x-memsight-csrf': '1' }, silence);
    assert.equal(change.status, 403);
    assert.match((await change.json()).error.message, /project admin/);
    const outsider = await call('GET', '/api/apps', cookies.outsider);
    assert.equal(outsider.status, 403);
    assert.match((await outsider.json()).error.message, /not a member/);
    const forged = await call('GET', '/api/apps', 'better-auth.session_token=forged.value');
    assert.equal(forged.status, 401);
    assert.equal((await fetch(`${url}/api/apps`)).status, 401, 'neither a key nor a session');
  });

  test('the live feed accepts the session cookie', async () => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: cookies.member } });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (err) => resolve(err.message));
    });
    socket.close();
    assert.equal(outcome, 'connected');
  });
});
