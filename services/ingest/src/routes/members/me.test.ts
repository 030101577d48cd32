// GET /api/me: the signed-in person, their projects, and the one the
// x-memsight-project header picks; API keys are told it is for people.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';
import { caller, DASHBOARD, SECRET, TestPeople, type TestPerson } from '../../testing/people';

describe('GET /api/me', () => {
  let first: Tenant;
  let second: Tenant;
  let app: FastifyInstance;
  let people: TestPeople;
  let call: ReturnType<typeof caller>;
  let both: TestPerson;

  before(async () => {
    first = await createTenant('me-first');
    second = await createTenant('me-second');
    people = new TestPeople(first.pool);
    const started = await startTestIngest({ authSecret: SECRET, dashboardUrl: DASHBOARD });
    app = started.app;
    call = caller(started.url);
    both = await people.make('both');
    await first.pool.query(
      `INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $3, 'member', now() - interval '1 minute'), ($2, $3, 'admin', now())`,
      [first.projectId, second.projectId, both.id],
    );
  });
  after(async () => {
    await app.close();
    await people.cleanup();
    await second.cleanup();
    await first.cleanup();
  });

  test('lists both projects of a person in two, with their role in each; the first is current', async () => {
    const res = await call('GET', '/api/me', both);
    assert.equal(res.status, 200);
    const me = await res.json();
    assert.deepEqual(me.user, { id: both.id, email: both.email, name: 'both' });
    assert.deepEqual(me.projects.map((p: { id: string; role: string }) => [p.id, p.role]), [[first.projectId, 'member'], [second.projectId, 'admin']]);
    assert.equal(me.projects[0].name, 'me-first');
    assert.match(me.projects[0].slug, /^me-first-/);
    assert.equal(me.currentProjectId, first.projectId);
  });

  test('x-memsight-project picks the project, for /api/me and for every other call', async () => {
    const header = { 'x-memsight-project': second.projectId };
    const me = await (await call('GET', '/api/me', both, undefined, header)).json();
    assert.equal(me.currentProjectId, second.projectId);
    // An admin there, a member in the first project: the header decides what the session may do.
    assert.equal((await call('GET', '/api/keys', both, undefined, header)).status, 200);
    assert.equal((await call('GET', '/api/keys', both)).status, 403);
    const members = await (await call('GET', '/api/members', both, undefined, header)).json();
    assert.deepEqual(members.members.map((m: { userId: string }) => m.userId), [both.id]);
  });

  test('a header naming a project the person is not in gives no current project', async () => {
    const other = await createTenant('me-other');
    try {
      const me = await (await call('GET', '/api/me', both, undefined, { 'x-memsight-project': other.projectId })).json();
      assert.equal(me.currentProjectId, null);
      assert.equal(me.projects.length, 2);
    } finally {
      await other.cleanup();
    }
  });

  test('a person in no project still learns who they are', async () => {
    const loner = await people.make('loner');
    const me = await (await call('GET', '/api/me', loner)).json();
    assert.deepEqual([me.user.id, me.projects, me.currentProjectId], [loner.id, [], null]);
  });

  test('an API key is told that /api/me is for signed-in people; no credential is a 401', async () => {
    const res = await call('GET', '/api/me', { key: first.apiKey });
    assert.equal(res.status, 403);
    assert.match((await res.json()).error.message, /signed in to the dashboard/);
    assert.equal((await call('GET', '/api/me', { key: first.revokedKey })).status, 401);
    assert.equal((await call('GET', '/api/me', { cookie: '' })).status, 401);
    assert.equal((await call('GET', '/api/me', { cookie: 'better-auth.session_token=forged.value' })).status, 401);
  });
});
