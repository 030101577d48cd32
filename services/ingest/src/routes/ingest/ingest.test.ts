// End to end over real HTTP on loopback: POST a golden batch, read it back
// through the query API from Postgres, and retry it without storing twice.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import type { IngestBatch } from '@memsight/contracts';
import { gzipJson, useTenantAndIngest } from '../../testing/harness';

describe('POST /v1/ingest', () => {
  const suite = useTenantAndIngest('ingest');

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${suite.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.tenant.apiKey}`, ...headers },
      body: body instanceof Buffer ? (body as BodyInit) : JSON.stringify(body),
    });
  const get = async (path: string) => {
    const res = await fetch(`${suite.url}${path}`, { headers: { authorization: `Bearer ${suite.tenant.apiKey}` } });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json() as Promise<any>;
  };
  const withInstance = (batch: IngestBatch, id: string): IngestBatch => ({ ...batch, instance: { ...batch.instance, id } });
  const storedRows = async (agentInstanceId: string) =>
    Number((await suite.tenant.pool.query(
      `SELECT count(*) FROM samples s JOIN instances i ON i.id = s.instance_id WHERE i.project_id = $1 AND i.agent_instance_id = $2`,
      [suite.tenant.projectId, agentInstanceId],
    )).rows[0].count);

  test('a golden batch posted over HTTP comes back from Postgres through the query API, value for value', async () => {
    const batch = withInstance(rebaseBatch(readGolden('valid', 'python-batch'), Date.now()), 'e2e-python-0001');
    const res = await post(batch);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { accepted: 6, rejected: 0, duplicate: false, rejections: [] });

    const { apps } = await get('/api/apps');
    const app = apps.find((a: any) => a.name === batch.instance.app);
    assert.ok(app, 'the app is listed');
    const { instances } = await get(`/api/apps/${app.id}/instances`);
    const instance = instances.find((i: any) => i.agentInstanceId === batch.instance.id);
    assert.equal(instance.runtime, 'cpython');
    assert.equal(instance.worker, batch.instance.worker, 'the worker name is stored and listed');
    assert.equal(instance.memoryLimitBytes, 536870912);
    assert.deepEqual(instance.labels, { env: 'prod', region: 'eu-west-1' });
    assert.equal(instance.live, true);

    const from = batch.samples[0]!.ts;
    const to = batch.samples.at(-1)!.ts + 1;
    const metrics = batch.metrics.filter((_, i) => i % 5 === 0);
    const qs = metrics.map((m) => `metric=${encodeURIComponent(m)}`).join('&');
    const series = await get(`/api/instances/${instance.id}/series?${qs}&from=${from}&to=${to}&step=0`);
    for (const s of series.series) {
      const column = batch.metrics.indexOf(s.metric);
      const expected = batch.samples.map((x) => [x.ts, x.values[column]]).filter(([, v]) => v !== null);
      assert.deepEqual(s.points, expected, `series ${s.metric}`);
    }
    const names = await get(`/api/instances/${instance.id}/metrics?from=${from}&to=${to}`);
    assert.deepEqual(names.metrics, [...batch.metrics].sort());
  });

  test('the same batch posted twice stores its samples once', async () => {
    const batch = withInstance(rebaseBatch(readGolden('valid', 'node-batch'), Date.now()), 'retry-node-0001');
    const first = await (await post(batch)).json();
    const second = await (await post(batch)).json();
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    const stored = await suite.tenant.pool.query(
      `SELECT memory_limit_bytes FROM instances WHERE project_id = $1 AND agent_instance_id = 'retry-node-0001'`,
      [suite.tenant.projectId],
    );
    assert.equal(stored.rows[0].memory_limit_bytes, null, 'a null limit stays null, not 0');
    assert.equal(second.accepted, batch.samples.length);
    assert.equal(await storedRows('retry-node-0001'), batch.samples.length);
  });

  test('concurrent retries of one batch still store it once', async () => {
    const batch = withInstance(rebaseBatch(readGolden('valid', 'node-batch'), Date.now()), 'retry-node-0002');
    const results = await Promise.all(Array.from({ length: 8 }, () => post(batch).then((r) => r.json())));
    assert.equal(results.filter((r: any) => !r.duplicate).length, 1);
    assert.equal(await storedRows('retry-node-0002'), batch.samples.length);
  });

  test('a new seq repeating stored timestamps keeps the stored rows and fails no neighbour', async () => {
    const batch = withInstance(rebaseBatch(readGolden('valid', 'node-batch'), Date.now()), 'overlap-0001');
    await post(batch);
    const neighbour = withInstance(rebaseBatch(readGolden('valid', 'node-batch'), Date.now() - 120_000), 'overlap-0002');
    const [overlap, other] = await Promise.all([post({ ...batch, seq: batch.seq + 1 }), post(neighbour)]);
    assert.equal(overlap.status, 200);
    assert.equal((await overlap.json()).accepted, 0);
    assert.equal(other.status, 200);
    assert.equal((await other.json()).accepted, neighbour.samples.length);
    assert.equal(await storedRows('overlap-0001'), batch.samples.length);
  });

  test('a gzip body is accepted like a plain one', async () => {
    const batch = withInstance(rebaseBatch(readGolden('valid', 'python-batch'), Date.now()), 'gzip-python-0001');
    const res = await post(gzipJson(batch), { 'content-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).accepted, 6);
    assert.equal(await storedRows('gzip-python-0001'), 6);
  });

  test('snapshots and a deploy marker are stored with the batch', async () => {
    const batch = withInstance(rebaseBatch(readGolden('valid', 'python-batch'), Date.now()), 'snap-python-0001');
    batch.instance.appVersion = '9.9.9-snap';
    await post(batch);
    const snaps = await suite.tenant.pool.query(
      `SELECT kind, entries FROM snapshots s JOIN instances i ON i.id = s.instance_id WHERE i.agent_instance_id = $1 ORDER BY kind`,
      ['snap-python-0001'],
    );
    assert.deepEqual(snaps.rows.map((r) => r.kind), ['allocation_sites', 'type_counts']);
    assert.equal(snaps.rows[0].entries.sites[0].site, 'app/cache.py:42');
    const markers = await suite.tenant.pool.query(
      `SELECT d.version, d.previous_version FROM deploy_markers d JOIN apps a ON a.id = d.app_id WHERE a.project_id = $1 AND d.version = '9.9.9-snap'`,
      [suite.tenant.projectId],
    );
    assert.equal(markers.rowCount, 1);
    assert.equal(markers.rows[0].previous_version, '2.4.1');
  });

  test('/livez, /readyz, /metrics and /docs answer', async () => {
    assert.equal((await fetch(`${suite.url}/livez`)).status, 200);
    assert.deepEqual(await (await fetch(`${suite.url}/readyz`)).json(), { status: 'ok' });
    const metrics = await (await fetch(`${suite.url}/metrics`)).text();
    assert.match(metrics, /memsight_ingest_batches_total\{outcome="stored"\} \d+/);
    const openapi = await (await fetch(`${suite.url}/docs/json`)).json();
    assert.ok(openapi.paths['/v1/ingest'].post, 'ingest route is documented');
    assert.ok(openapi.paths['/api/instances/{instanceId}/series'].get, 'series route is documented');
  });
});
