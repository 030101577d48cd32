// Project members: admins add people (existing, or new with an initial
// password), change roles and remove them; members and read keys only list;
// a project never loses its last admin; other projects' people stay invisible.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createAuth } from '@memsight/auth';
import type { Member } from '@memsight/contracts';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';
import { caller, DASHBOARD, PASSWORD, SECRET, TestPeople, type TestPerson } from '../../testing/people';

describe('project members', () => {
  let tenant: Tenant;
  let stranger: Tenant;
  let app: FastifyInstance;
  let people: TestPeople;
  let call: ReturnType<typeof caller>;
  let admin: TestPerson;
  let member: TestPerson;
  let outsider: TestPerson;
  let readKey: string;

  const list = async (credential: { cookie: string } | { key: string }): Promise<Member[]> => {
    const res = await call('GET', '/api/members', credential);
    assert.equal(res.status, 200);
    return (await res.json()).members;
  };
  const roleOf = async (projectId: string, userId: string) =>
    (await tenant.pool.query<{ role: string }>('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId])).rows[0]?.role;

  before(async () => {
    tenant = await createTenant('members');
    stranger = await createTenant('members-stranger');
    people = new TestPeople(tenant.pool);
    const started = await startTestIngest({ authSecret: SECRET, dashboardUrl: DASHBOARD });
    app = started.app;
    call = caller(started.url);
    admin = await people.member('admin', 'admin', tenant.projectId);
    member = await people.member('member', 'member', tenant.projectId);
    outsider = await people.member('outsider', 'admin', stranger.projectId);
    const made = await call('POST', '/api/keys', { key: tenant.apiKey }, { name: 'reader', scope: 'read' });
    readKey = (await made.json()).secret;
  });
  after(async () => {
    await app.close();
    await people.cleanup();
    await stranger.cleanup();
    await tenant.cleanup();
  });

  test('admins, members and read keys list the members with their email, name, role and when they were added', async () => {
    for (const credential of [admin, member, { key: readKey }]) {
      const rows = await list(credential);
      const me = rows.find((m) => m.userId === admin.id);
      assert.ok(me, 'the admin is listed');
      assert.deepEqual([me.email, me.name, me.role], [admin.email, 'admin', 'admin']);
      assert.ok(!Number.isNaN(Date.parse(me.addedAt)));
      assert.equal(rows.find((m) => m.userId === member.id)?.role, 'member');
    }
  });

  test("another project's members are invisible and cannot be changed or removed from here", async () => {
    const ours = await list(admin);
    assert.ok(!ours.some((m) => m.userId === outsider.id), 'a stranger is not listed');
    assert.ok(!(await list(outsider)).some((m) => m.userId === admin.id || m.userId === member.id), 'nor are we listed to them');
    const patch = await call('PATCH', `/api/members/${outsider.id}`, admin, { role: 'member' });
    assert.equal(patch.status, 404);
    assert.equal((await call('DELETE', `/api/members/${outsider.id}`, admin)).status, 404);
    assert.equal((await call('DELETE', `/api/members/${member.id}`, { key: stranger.apiKey })).status, 404, "a stranger's admin key cannot remove our member");
    assert.equal(await roleOf(stranger.projectId, outsider.id), 'admin');
    assert.equal(await roleOf(tenant.projectId, member.id), 'member');
  });

  test('an admin adds an existing person by email, who can then read the project; their password and name stay theirs', async () => {
    const existing = await people.make('existing');
    assert.equal((await call('GET', '/api/apps', existing)).status, 403, 'not a member yet');
    const res = await call('POST', '/api/members', admin, { email: existing.email.toUpperCase(), name: 'Renamed', role: 'member', password: 'another password 123' });
    assert.equal(res.status, 201);
    const added = await res.json();
    assert.equal(added.personCreated, false);
    assert.deepEqual([added.member.userId, added.member.email, added.member.name, added.member.role], [existing.id, existing.email, 'existing', 'member']);
    assert.equal((await call('GET', '/api/apps', existing)).status, 200, 'the membership takes effect at once');
    await people.signIn(existing.email, PASSWORD); // throws if the password was changed
  });

  test('an admin creates a new person with an initial password, who can then sign in with it', async () => {
    const email = people.email('newcomer');
    const res = await call('POST', '/api/members', admin, { email, name: 'New Comer', role: 'admin', password: 'initial password 42' });
    assert.equal(res.status, 201);
    const added = await res.json();
    people.track(added.member.userId);
    assert.equal(added.personCreated, true);
    assert.deepEqual([added.member.email, added.member.name, added.member.role], [email, 'New Comer', 'admin']);
    const sessions = await tenant.pool.query('SELECT 1 FROM session WHERE "userId" = $1', [added.member.userId]);
    assert.equal(sessions.rowCount, 0, 'creating a person signs no one in');
    const auth = createAuth({ pool: tenant.pool, secret: SECRET, baseURL: DASHBOARD });
    const signedIn = await auth.api.signInEmail({ body: { email, password: 'initial password 42' } });
    assert.equal(signedIn.user.id, added.member.userId);
    const cookie = await people.signIn(email, 'initial password 42');
    assert.equal((await call('GET', '/api/keys', { cookie })).status, 200, 'as an admin of the project');
  });

  test('a person without an account needs a password: a 400 naming the field, and no one is created', async () => {
    const email = people.email('nopassword');
    const res = await call('POST', '/api/members', admin, { email, role: 'member' });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.details[0].path, '/password');
    assert.match(body.error.message, /password/);
    assert.equal((await tenant.pool.query('SELECT 1 FROM "user" WHERE email = $1', [email])).rowCount, 0);
  });

  test('adding a member twice is a 409', async () => {
    const res = await call('POST', '/api/members', admin, { email: member.email, role: 'admin' });
    assert.equal(res.status, 409);
    assert.match((await res.json()).error.message, /already a member/);
    assert.equal(await roleOf(tenant.projectId, member.id), 'member', 'the existing role is kept');
  });

  test('bad input is a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ email: 'not-an-email', role: 'member', password: PASSWORD }, 'email'],
      [{ email: people.email('short'), role: 'member', password: 'short' }, 'password'],
      [{ email: people.email('role'), role: 'owner', password: PASSWORD }, 'role'],
      [{ role: 'member' }, 'email'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/members', admin, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}`);
      assert.match(JSON.stringify(await res.json()), new RegExp(field), `the answer names ${field}`);
    }
    const patch = await call('PATCH', `/api/members/${member.id}`, admin, { role: 'root' });
    assert.equal(patch.status, 400);
    assert.match(JSON.stringify(await patch.json()), /role/);
  });

  test("an admin changes a member's role, which changes what they may do", async () => {
    const person = await people.member('promoted', 'member', tenant.projectId);
    assert.equal((await call('GET', '/api/keys', person)).status, 403);
    const up = await call('PATCH', `/api/members/${person.id}`, admin, { role: 'admin' });
    assert.equal(up.status, 200);
    assert.equal((await up.json()).role, 'admin');
    assert.equal((await call('GET', '/api/keys', person)).status, 200);
    const down = await call('PATCH', `/api/members/${person.id}`, { key: tenant.apiKey }, { role: 'member' });
    assert.equal(down.status, 200);
    assert.equal(await roleOf(tenant.projectId, person.id), 'member');
  });

  test('an admin removes a member, who then reads nothing of the project but keeps their account', async () => {
    const person = await people.member('leaving', 'member', tenant.projectId);
    assert.equal((await call('DELETE', `/api/members/${person.id}`, admin)).status, 204);
    assert.equal((await call('GET', '/api/apps', person)).status, 403);
    assert.ok(!(await list(admin)).some((m) => m.userId === person.id));
    assert.equal((await tenant.pool.query('SELECT 1 FROM "user" WHERE id = $1', [person.id])).rowCount, 1);
    assert.equal((await call('DELETE', `/api/members/${person.id}`, admin)).status, 404, 'removing twice');
  });

  test('a member session and a read key cannot add, change or remove members (403)', async () => {
    for (const credential of [member, { key: readKey }]) {
      const add = await call('POST', '/api/members', credential, { email: people.email('sneaky'), role: 'admin', password: PASSWORD });
      assert.equal(add.status, 403);
      assert.equal((await call('PATCH', `/api/members/${member.id}`, credential, { role: 'admin' })).status, 403);
      assert.equal((await call('DELETE', `/api/members/${admin.id}`, credential)).status, 403);
    }
    assert.equal(await roleOf(tenant.projectId, member.id), 'member');
    assert.equal(await roleOf(tenant.projectId, admin.id), 'admin');
  });
});

describe('the last admin of a project', () => {
  let tenant: Tenant;
  let app: FastifyInstance;
  let people: TestPeople;
  let call: ReturnType<typeof caller>;

  before(async () => {
    tenant = await createTenant('members-last-admin');
    people = new TestPeople(tenant.pool);
    const started = await startTestIngest({ authSecret: SECRET, dashboardUrl: DASHBOARD });
    app = started.app;
    call = caller(started.url);
  });
  after(async () => {
    await app.close();
    await people.cleanup();
    await tenant.cleanup();
  });

  const admins = async () => (await tenant.pool.query(`SELECT user_id FROM project_members WHERE project_id = $1 AND role = 'admin'`, [tenant.projectId])).rowCount;

  test('cannot be demoted or removed (409, saying why); with a second admin, they can', async () => {
    const only = await people.member('only', 'admin', tenant.projectId);
    for (const res of [await call('PATCH', `/api/members/${only.id}`, only, { role: 'member' }), await call('DELETE', `/api/members/${only.id}`, { key: tenant.apiKey })]) {
      assert.equal(res.status, 409);
      assert.match((await res.json()).error.message, /only admin/);
    }
    assert.equal(await admins(), 1);
    const second = await people.member('second', 'admin', tenant.projectId);
    assert.equal((await call('PATCH', `/api/members/${only.id}`, only, { role: 'member' })).status, 200);
    assert.equal((await call('DELETE', `/api/members/${second.id}`, { key: tenant.apiKey })).status, 409, 'now second is the only one');
    assert.equal((await call('DELETE', `/api/members/${only.id}`, second)).status, 204, 'a member can be removed');
  });

  test('admins all demoted at once leave exactly one admin', async () => {
    await tenant.pool.query('DELETE FROM project_members WHERE project_id = $1', [tenant.projectId]);
    const crowd = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((label) => people.member(label, 'admin', tenant.projectId)));
    // With a key, so that no request is refused for its caller's own demotion: only the lock decides.
    const outcomes = await Promise.all(crowd.map((p) => call('PATCH', `/api/members/${p.id}`, { key: tenant.apiKey }, { role: 'member' })));
    assert.deepEqual(outcomes.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 409]);
    assert.equal(await admins(), 1);
  });
});

describe('members without dashboard sign-in', () => {
  let tenant: Tenant;
  let app: FastifyInstance;
  let call: ReturnType<typeof caller>;
  before(async () => {
    tenant = await createTenant('members-keys-only');
    const started = await startTestIngest();
    app = started.app;
    call = caller(started.url);
  });
  after(async () => {
    await app.close();
    await tenant.cleanup();
  });

  test('adding a person is a 409 saying sessions are not enabled; listing still answers', async () => {
    const res = await call('POST', '/api/members', { key: tenant.apiKey }, { email: 'someone@example.test', role: 'member', password: PASSWORD });
    assert.equal(res.status, 409);
    assert.match((await res.json()).error.message, /MEMSIGHT_AUTH_SECRET/);
    assert.deepEqual((await (await call('GET', '/api/members', { key: tenant.apiKey })).json()).members, []);
  });
});
