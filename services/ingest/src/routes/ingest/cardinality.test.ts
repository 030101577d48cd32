// Per-project cardinality caps (issue 14: 1,500 apps and instances from one
// key in 3 s): past a cap, a batch that would add an app, an instance or a
// metric-name list gets 422 cardinality_limit naming the cap and its setting,
// is counted, and stores nothing; what already reports keeps working.
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { metricNamesHash } from '@memsight/db';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';
import { seedBatch, type SeedInstance } from '../../testing/seed';

const METRICS = ['process.memory.rss', 'process.threads'];

describe('cardinality caps', () => {
  let tenant: Tenant;
  let app: FastifyInstance;
  let url: string;
  let seq = 0;
  const now = Date.now();

  before(async () => {
    tenant = await createTenant('cardinality');
    ({ app, url } = await startTestIngest({ maxAppsPerProject: 3, maxInstancesPerApp: 2, maxMetricSetsPerProject: 2 }));
  });
  after(async () => {
    await app?.close();
    await tenant?.cleanup();
  });

  const post = async (o: Partial<SeedInstance> & { id: string; app: string }) => {
    const batch = seedBatch({ metrics: METRICS, samples: [[now - 1000, 1e8, 4]], seq: ++seq, ...o });
    const res = await fetch(`${url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
      body: JSON.stringify(batch),
    });
    return { status: res.status, body: await res.json() };
  };
  // Through /metrics, as Prometheus reads it (loopback, so no token is needed).
  const refusedCount = async (reason: string) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`memsight_ingest_refused_total{reason="${reason}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const count = async (sql: string) => Number((await tenant.pool.query(sql, [tenant.projectId])).rows[0].n);

  test('apps: a fourth app is refused with the cap and its setting; the three keep working', async () => {
    for (const name of ['a1', 'a2', 'a3']) assert.equal((await post({ id: `inst-${name}-i1`, app: name })).status, 200);
    const refused = await post({ id: 'inst-a4-i1', app: 'a4' });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'cardinality_limit');
    assert.deepEqual(refused.body.error.details, { limit: 'apps_per_project', max: 3, setting: 'INGEST_MAX_APPS_PER_PROJECT' });
    assert.match(refused.body.error.message, /INGEST_MAX_APPS_PER_PROJECT=3/);
    assert.equal(await count(`SELECT count(*) AS n FROM apps WHERE project_id = $1`), 3);
    assert.equal(await count(`SELECT count(*) AS n FROM instances WHERE project_id = $1 AND agent_instance_id = 'inst-a4-i1'`), 0);
    assert.equal(await refusedCount('apps_per_project'), 1);
    assert.equal((await post({ id: 'inst-a1-i1', app: 'a1', samples: [[now - 500, 1e8, 4]] })).status, 200, 'an existing instance still reports');
  });

  test('a known instance renaming its app cannot create apps past the cap either', async () => {
    const renamed = await post({ id: 'inst-a1-i1', app: 'sneaky', samples: [[now - 400, 1e8, 4]] });
    assert.equal(renamed.status, 422);
    assert.equal(await count(`SELECT count(*) AS n FROM apps WHERE project_id = $1`), 3);
  });

  test('instances: a third live instance of an app is refused; the two keep working', async () => {
    assert.equal((await post({ id: 'inst-a1-i2', app: 'a1' })).status, 200);
    const refused = await post({ id: 'inst-a1-i3', app: 'a1' });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.details.limit, 'instances_per_app');
    assert.match(refused.body.error.message, /INGEST_MAX_INSTANCES_PER_APP=2/);
    assert.equal(await refusedCount('instances_per_app'), 1);
    assert.equal((await post({ id: 'inst-a1-i2', app: 'a1', samples: [[now - 300, 1e8, 4]] })).status, 200);
    // Another app has its own count.
    assert.equal((await post({ id: 'inst-a2-i2', app: 'a2' })).status, 200);
  });

  test('instances not seen for a day no longer count', async () => {
    await tenant.pool.query(`UPDATE instances SET last_seen_at = now() - interval '25 hours' WHERE project_id = $1 AND agent_instance_id = 'inst-a1-i2'`, [tenant.projectId]);
    assert.equal((await post({ id: 'inst-a1-i3', app: 'a1' })).status, 200);
  });

  test('metric-name lists: a third list is refused before the shared table stores it; known lists keep working', async () => {
    // METRICS is the first list; one more is allowed.
    assert.equal((await post({ id: 'inst-a1-i1', app: 'a1', metrics: ['process.memory.rss'], samples: [[now - 200, 1e8]] })).status, 200);
    // A list no other suite can have stored in the shared table.
    const third = ['process.memory.rss', `custom.cardinality_${randomBytes(6).toString('hex')}`];
    const refused = await post({ id: 'inst-a1-i1', app: 'a1', metrics: third, samples: [[now - 100, 1e8, 4]] });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.details.limit, 'metric_sets_per_project');
    assert.match(refused.body.error.message, /INGEST_MAX_METRIC_SETS_PER_PROJECT=2/);
    const stored = await tenant.pool.query('SELECT 1 FROM metric_sets WHERE names_hash = $1', [metricNamesHash(third)]);
    assert.equal(stored.rowCount, 0, 'the refused list is not in metric_sets');
    assert.equal(await count(`SELECT count(*) AS n FROM project_metric_sets WHERE project_id = $1`), 2);
    assert.equal(await refusedCount('metric_sets_per_project'), 1);
    assert.equal((await post({ id: 'inst-a2-i1', app: 'a2', samples: [[now - 50, 1e8, 4]] })).status, 200, 'a list the project uses is still accepted');
  });

  test('every refusal is counted by cap', async () => {
    assert.equal(await refusedCount('apps_per_project'), 2, 'the new app and the renamed one');
    assert.equal(await refusedCount('instances_per_app'), 1);
    assert.equal(await refusedCount('metric_sets_per_project'), 1);
  });
});

describe('cardinality caps under concurrency', () => {
  let tenant: Tenant;
  let app: FastifyInstance;
  let url: string;
  const now = Date.now();

  before(async () => {
    tenant = await createTenant('cardinality-race');
    ({ app, url } = await startTestIngest({ maxAppsPerProject: 5, maxInstancesPerApp: 4, maxMetricSetsPerProject: 3 }));
  });
  after(async () => {
    await app?.close();
    await tenant?.cleanup();
  });

  const post = (o: Partial<SeedInstance> & { id: string; app: string }) =>
    fetch(`${url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
      body: JSON.stringify(seedBatch({ metrics: METRICS, samples: [[now - 1000, 1e8, 4]], seq: 1, ...o })),
    }).then((r) => r.status);
  const count = async (sql: string) => Number((await tenant.pool.query(sql, [tenant.projectId])).rows[0].n);

  // Checking by counting, then inserting, let every batch of a burst count the same total: caps were passed by a few.
  test('40 new apps at once: exactly the cap is created, and the rest are refused', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => post({ id: `race-app-${i}`, app: `race-${i}` })));
    assert.equal(statuses.filter((s) => s === 200).length, 5, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 422).length, 35);
    assert.equal(await count('SELECT count(*) AS n FROM apps WHERE project_id = $1'), 5);
  });

  test('40 new instances of one app at once, and 20 new metric lists: exactly their caps', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => post({ id: `race-inst-${i}`, app: 'race-0' })));
    // race-app-0 is already one of the app's four.
    assert.equal(statuses.filter((s) => s === 200).length, 3, statuses.join(','));
    assert.equal(await count(`SELECT count(*) AS n FROM instances i JOIN apps a ON a.id = i.app_id WHERE a.project_id = $1 AND a.name = 'race-0'`), 4);
    const lists = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post({ id: 'race-app-0', app: 'race-0', seq: 100 + i, metrics: ['process.memory.rss', `custom.race_${randomBytes(6).toString('hex')}`], samples: [[now - 900 + i, 1e8, 4]] }),
      ),
    );
    // METRICS is the first list: two more fit.
    assert.equal(lists.filter((s) => s === 200).length, 2, lists.join(','));
    assert.equal(await count('SELECT count(*) AS n FROM project_metric_sets WHERE project_id = $1'), 3);
  });
});
