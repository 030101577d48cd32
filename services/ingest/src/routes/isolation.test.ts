// Tenant isolation over REST (issue 14): a key of project B can neither read
// nor change project A, whatever id it sends. The routes come from the OpenAPI
// document, so a route added later is covered, or this suite fails naming it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestIngest } from '../testing/harness';
import { call, goldenBatch, makeTwoTenants, type TwoTenants } from '../testing/two-tenants';

interface Operation {
  method: string;
  /** OpenAPI form: /api/instances/{instanceId} */
  path: string;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
}

// The document /docs serves (app.swagger() is decorated inside the ingest plugin's context, not on the root).
async function operations(app: FastifyInstance): Promise<Operation[]> {
  const doc = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>> };
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      hasBody: op.requestBody !== undefined,
    })),
  );
}

// What a request needs besides its ids to get past validation to the lookup;
// a route with a body or a required query that is missing here fails the suite.
const BODIES: Record<string, unknown> = {
  'POST /api/alerts/{alertId}/ack': { comment: 'B was here' },
  'PATCH /api/rules/{ruleId}': { enabled: false },
  'PATCH /api/channels/{channelId}': { enabled: false },
  'PATCH /api/members/{userId}': { role: 'admin' },
};
const QUERIES: Record<string, string> = {
  'GET /api/instances/{instanceId}/series': 'metric=process.memory.rss',
  'GET /api/instances/{instanceId}/series.csv': 'metric=process.memory.rss',
};

describe('tenant isolation over REST', () => {
  let app: FastifyInstance;
  let url: string;
  let t: TwoTenants;
  let ops: Operation[];
  const withIds = (op: Operation, ids: Record<string, string>) => {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name]!));
    const query = QUERIES[`${op.method} ${op.path}`];
    return query ? `${path}?${query}` : path;
  };

  before(async () => {
    ({ app, url } = await startTestIngest({ rollupIntervalSeconds: 0 }));
    t = await makeTwoTenants(url, 'isolation');
    ops = await operations(app);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  test("B's key on every route with an id of A answers 404, and A's own key finds each", async () => {
    const withPathIds = ops.filter((op) => op.pathParams.length > 0);
    assert.ok(withPathIds.length >= 20, `routes with ids found in the OpenAPI document: ${withPathIds.length}`);
    const exercised = new Set<string>();
    for (const op of withPathIds) {
      const name = `${op.method} ${op.path}`;
      const unknown = op.pathParams.filter((p) => !(p in t.a.ids));
      assert.deepEqual(unknown, [], `${name}: no id of A for ${unknown.join(', ')}; add one to test/two-tenants.ts`);
      assert.ok(!op.hasBody || name in BODIES, `${name} takes a body: add a valid one to BODIES`);
      const res = await call(url, t.b.tenant.apiKey, op.method, withIds(op, t.a.ids), BODIES[name]);
      const text = await res.text();
      assert.equal(res.status, 404, `${name} with B's key on A's ids: ${res.status} ${text.slice(0, 300)}`);
      assert.doesNotMatch(text, new RegExp(`${t.a.appName}|secret subject of A`), `${name} leaks A's data`);
      exercised.add(name);
    }
    for (const op of withPathIds.filter((o) => o.method === 'GET')) {
      const res = await call(url, t.a.tenant.apiKey, 'GET', withIds(op, t.a.ids));
      assert.equal(res.status, 200, `${op.method} ${op.path} with A's own key: ${res.status} ${(await res.text()).slice(0, 300)}`);
    }
    assert.deepEqual(withPathIds.map((o) => `${o.method} ${o.path}`).filter((n) => !exercised.has(n)), []);
  });

  test("ids guessed from B's own by ±1 answer 404 too, unless they are B's", async () => {
    const { rows } = await t.b.tenant.pool.query('SELECT id::text FROM instances WHERE project_id = $1', [t.b.tenant.projectId]);
    const own = new Set(rows.map((r) => r.id as string));
    const guesses = [-1, 1, -2, 2].map((d) => String(BigInt(t.b.instanceId) + BigInt(d))).filter((id) => !own.has(id));
    assert.ok(guesses.includes(t.a.ids.instanceId) || guesses.includes(t.a.ids.secondInstanceId), "A's instances sit next to B's");
    const messageGuesses = [-1, 1].map((d) => String(BigInt(t.b.messageId) + BigInt(d)));
    for (const op of ops.filter((o) => o.pathParams.includes('instanceId') || o.pathParams.includes('messageId'))) {
      const list = op.pathParams.includes('instanceId') ? guesses : messageGuesses;
      for (const guess of list) {
        const res = await call(url, t.b.tenant.apiKey, op.method, withIds(op, { ...t.a.ids, instanceId: guess, messageId: guess }), BODIES[`${op.method} ${op.path}`]);
        assert.equal(res.status, 404, `${op.method} ${op.path} with the guess ${guess}: ${res.status}`);
      }
    }
  });

  test("ids of A in query strings select nothing of A's", async () => {
    const leaks = Object.values(t.a.ids).filter((id) => id.length > 8);
    const named = ops.filter((op) => op.method === 'GET' && op.pathParams.length === 0 && op.queryParams.some((q) => q in t.a.ids));
    assert.ok(named.length >= 2, `list routes filtered by an id: ${named.map((o) => o.path)}`);
    for (const op of named) {
      const query = op.queryParams.filter((q) => q in t.a.ids).map((q) => `${q}=${t.a.ids[q as keyof typeof t.a.ids]}`).join('&');
      const res = await call(url, t.b.tenant.apiKey, 'GET', `${op.path}?${query}`);
      const text = await res.text();
      assert.ok(res.status === 200 || res.status === 404, `${op.path}?${query}: ${res.status} ${text.slice(0, 200)}`);
      for (const id of leaks) assert.ok(!text.includes(id), `${op.path}?${query} answers A's id ${id}`);
    }
  });

  test("B cannot aim a rule or a silence at A's app or instance", async () => {
    const { appId, instanceId } = t.a.ids;
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    for (const [path, body] of [
      ['/api/rules', { kind: 'leak', appId }],
      ['/api/rules', { kind: 'leak', instanceId }],
      ['/api/silences', { matchers: { appId }, endsAt }],
      ['/api/silences', { matchers: { instanceId }, endsAt }],
    ] as const) {
      const res = await call(url, t.b.tenant.apiKey, 'POST', path, body);
      assert.ok(res.status === 400 || res.status === 404, `${path} ${JSON.stringify(body)}: ${res.status}`);
    }
    const { rows } = await t.a.tenant.pool.query(
      `SELECT (SELECT count(*) FROM alert_rules WHERE app_id = $1 OR instance_id = $2::bigint)::int
            + (SELECT count(*) FROM silences WHERE app_id = $1 OR instance_id = $2::bigint)::int AS n`,
      [appId, instanceId],
    );
    assert.equal(rows[0].n, 1, "only A's own silence points at A's app");
  });

  test("B's writes changed nothing of A's", async () => {
    const q = (sql: string, ...params: unknown[]) => t.a.tenant.pool.query(sql, params).then((r) => r.rows[0]);
    const { ids } = t.a;
    assert.equal((await q('SELECT ack_at FROM alerts WHERE id = $1', ids.alertId)).ack_at, null);
    assert.equal((await q('SELECT enabled FROM alert_rules WHERE id = $1', ids.ruleId)).enabled, true);
    assert.equal((await q('SELECT enabled FROM notification_channels WHERE id = $1', ids.channelId)).enabled, true);
    assert.equal((await q('SELECT revoked_at FROM api_keys WHERE id = $1', ids.keyId)).revoked_at, null);
    assert.ok((await q('SELECT ends_at FROM silences WHERE id = $1', ids.silenceId)).ends_at > new Date());
    assert.equal((await q('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2', t.a.tenant.projectId, ids.userId)).role, 'member');
  });

  test("ingest with B's key never writes into A's apps, even under A's app and instance names", async () => {
    const count = () => t.a.tenant.pool.query(
      'SELECT (SELECT count(*) FROM samples WHERE instance_id = $1)::int AS samples, (SELECT count(*) FROM apps WHERE project_id = $2)::int AS apps',
      [t.a.ids.instanceId, t.a.tenant.projectId],
    ).then((r) => r.rows[0]);
    const before = await count();
    const res = await call(url, t.b.tenant.apiKey, 'POST', '/v1/ingest', goldenBatch(t.a.agentInstanceId, t.a.appName, Date.now() + 1000, 2));
    assert.equal(res.status, 200);
    assert.deepEqual(await count(), before);
    const { rows } = await t.b.tenant.pool.query(
      'SELECT i.project_id FROM instances i JOIN apps a ON a.id = i.app_id WHERE i.agent_instance_id = $1 AND a.name = $2 ORDER BY i.project_id',
      [t.a.agentInstanceId, t.a.appName],
    );
    assert.deepEqual(rows.map((r) => r.project_id).sort(), [t.a.tenant.projectId, t.b.tenant.projectId].sort(), 'B got an instance of its own');
  });
});
