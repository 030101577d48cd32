// The sharded layout end to end, on three throwaway embedded PostgreSQL
// servers (a coordinator and two data nodes): the real ingest and alerter
// processes, unchanged, pointed at the coordinator. Every sample posted is read
// back once through the query API and once on the nodes, retries and overlaps
// included; the roller, an alerter round and retention run through it too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import type { IngestBatch } from '@memsight/contracts';
import { freePort } from '../../../../scripts/lib/free-port';
import { Proc, service, until, waitForHttp } from '../../../../scripts/lib/proc';
import { createPool } from '../pool';
import { createTenant, type Tenant } from '../testing';
import { applyRetention, DEFAULT_RETENTION_DAYS } from '../retention';
import { rollUpPass } from '../roller';
import { startEmbeddedCluster, type EmbeddedCluster } from './embedded-cluster';
import { listNodePartitions, listShardServers } from './shard-partitions';

const DAY = 86_400_000;
const STEP = 15_000;
const NOW = Math.floor(Date.now() / STEP) * STEP;
const INSTANCES = 24;
const BATCHES = 3;
const PER_BATCH = 40; // 3 × 40 samples 15 s apart: the last 30 minutes, live for the alerter
const METRICS = ['process.memory.rss', 'process.memory.vms', 'process.threads', 'glibc.malloc.fragmentation'];
const FIRST_TS = NOW - BATCHES * PER_BATCH * STEP;

/** Instance i's value of metric m at sample n: distinct per (instance, time, metric), so a misplaced row shows. */
const valueAt = (i: number, n: number, m: number) => (m === 3 ? ((i * 7 + n) % 100) / 100 : 50e6 + i * 1e6 + n * 4096 + m);

function batch(i: number, seq: number, first: number, count: number): IngestBatch {
  return {
    v: 1,
    agent: { name: 'memsight-test', version: '0.0.0' },
    instance: { id: `shard-instance-${i}`, app: `app-${i % 3}`, host: `host-${i}`, pid: 100 + i, runtime: 'cpython', runtimeVersion: '3.12.0', startedAt: FIRST_TS - 60_000 },
    seq,
    metrics: METRICS,
    samples: Array.from({ length: count }, (_, k) => ({ ts: FIRST_TS + (first + k) * STEP, values: METRICS.map((_, m) => valueAt(i, first + k, m)) })),
  };
}

describe('samples sharded by instance over two data nodes with postgres_fdw', () => {
  let cluster: EmbeddedCluster;
  let tenant: Tenant;
  let pool: pg.Pool;
  let nodes: pg.Pool[];
  let ingest: Proc;
  let alerter: Proc | undefined;
  let ingestUrl: string;
  const logs = () => [ingest, alerter].filter(Boolean).map((p) => p!.tail()).join('\n');
  const post = async (body: IngestBatch) => {
    const res = await fetch(`${ingestUrl}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { accepted: number; duplicate: boolean };
    assert.equal(res.status, 200, `${JSON.stringify(answer)}\n${logs()}`);
    return answer;
  };

  before(async () => {
    cluster = await startEmbeddedCluster({ ports: [await freePort(), await freePort(), await freePort()], nowMs: NOW, fast: true });
    pool = createPool(cluster.coordinatorUrl, 4);
    nodes = cluster.nodeUrls.map((url) => createPool(url, 1));
    tenant = await createTenant('sharded', cluster.coordinatorUrl);
    const port = await freePort();
    ingestUrl = `http://127.0.0.1:${port}`;
    // The roller is run by the test, on its own clock; ingest's own partition maintenance runs at its start.
    ingest = service('ingest', { DATABASE_URL: cluster.coordinatorUrl, INGEST_PORT: String(port), LOG_LEVEL: 'warn', INGEST_ROLLUP_INTERVAL_SECONDS: '0' }).start();
    await waitForHttp(`${ingestUrl}/readyz`, 60_000);
  });
  after(async () => {
    await alerter?.stop();
    await ingest?.stop();
    await tenant?.pool.end();
    await pool?.end();
    await Promise.all((nodes ?? []).map((n) => n.end()));
    await cluster?.stop();
  });

  test('every sample posted through the coordinator is stored once, on the node its instance hashes to, and reads back', async () => {
    assert.deepEqual(await listShardServers(pool), ['memsight_shard_0', 'memsight_shard_1']);
    for (let seq = 1; seq <= BATCHES; seq++) {
      const answers = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => post(batch(i, seq, (seq - 1) * PER_BATCH, PER_BATCH))));
      assert.ok(answers.every((a) => a.accepted === PER_BATCH && !a.duplicate), JSON.stringify(answers));
    }
    // A retried batch is a duplicate (the key is on the coordinator); a new batch repeating stored
    // samples takes ingest's ON CONFLICT path, whose conflicts are found by the nodes' keys.
    assert.equal((await post(batch(0, 2, PER_BATCH, PER_BATCH))).duplicate, true);
    const overlap = await post(batch(1, BATCHES + 1, 2 * PER_BATCH + PER_BATCH / 2, PER_BATCH / 2));
    assert.equal(overlap.duplicate, false);

    const total = INSTANCES * BATCHES * PER_BATCH;
    const perNode = await Promise.all(
      nodes.map(async (n) => (await n.query<{ id: string; ts: string }>(`SELECT instance_id::text AS id, (extract(epoch FROM ts) * 1000)::bigint::text AS ts FROM samples`)).rows),
    );
    assert.ok(perNode.every((rows) => rows.length > 0), `both nodes hold samples: ${perNode.map((r) => r.length)}`);
    const keys = perNode.flat().map((r) => `${r.id}:${r.ts}`);
    assert.equal(keys.length, total, 'every sample once, none twice');
    assert.equal(new Set(keys).size, total);
    const nodeIds = perNode.map((rows) => new Set(rows.map((r) => r.id)));
    assert.equal([...nodeIds[0]!].filter((id) => nodeIds[1]!.has(id)).length, 0, 'an instance lives on one node');
    assert.equal(Number((await pool.query('SELECT count(*) AS n FROM samples')).rows[0].n), total, 'the coordinator reads them all');

    const { rows: instances } = await pool.query<{ id: string; agent: string }>(`SELECT id::text, agent_instance_id AS agent FROM instances WHERE project_id = $1`, [tenant.projectId]);
    assert.equal(instances.length, INSTANCES);
    for (const { id, agent } of instances) {
      const i = Number(agent.slice('shard-instance-'.length));
      const q = `metric=${METRICS[0]}&metric=${METRICS[3]}&from=${FIRST_TS - 1000}&to=${NOW + 1000}&step=0`;
      const res = await fetch(`${ingestUrl}/api/instances/${id}/series?${q}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      const body = (await res.json()) as { resolution: string; series: { metric: string; points: [number, number][] }[] };
      assert.equal(res.status, 200, JSON.stringify(body));
      const expected = (m: number) => Array.from({ length: BATCHES * PER_BATCH }, (_, n) => [FIRST_TS + n * STEP, valueAt(i, n, m)]);
      assert.deepEqual(body.series[0]!.points, expected(0), `instance ${agent}: every raw sample, in order`);
      assert.deepEqual(body.series[1]!.points, expected(3));
    }
  });

  test('the roller makes minute and hour rollups from the nodes’ samples', async () => {
    const pass = await rollUpPass(pool, { nowMs: NOW, lagMs: 0, hourEveryMs: 0, backfillFromMs: NOW - DAY });
    assert.ok(pass && pass.minutes > 0 && pass.hours > 0, JSON.stringify(pass));
    const minutes = new Set(Array.from({ length: BATCHES * PER_BATCH }, (_, n) => Math.floor((FIRST_TS + n * STEP) / 60_000)));
    const { rows } = await pool.query<{ n: string; counted: string }>(
      `SELECT count(*) AS n, sum(r.n[array_position(m.names, $1)]) AS counted FROM rollups_1m r JOIN metric_sets m ON m.id = r.metric_set_id`,
      [METRICS[0]],
    );
    assert.equal(Number(rows[0]!.n), INSTANCES * minutes.size, 'a row per instance and minute');
    assert.equal(Number(rows[0]!.counted), INSTANCES * BATCHES * PER_BATCH, 'every sample counted once');
    const { rows: floor } = await pool.query<{ v: number }>(
      `SELECT min(r."min"[array_position(m.names, $1)]) AS v FROM rollups_1m r JOIN metric_sets m ON m.id = r.metric_set_id
         JOIN instances i ON i.id = r.instance_id WHERE i.agent_instance_id = 'shard-instance-5'`,
      [METRICS[0]],
    );
    assert.equal(floor[0]!.v, valueAt(5, 0, 0));
  });

  test('an alerter round reads every instance’s samples through the coordinator', async () => {
    const port = await freePort();
    alerter = service('alerter', { DATABASE_URL: cluster.coordinatorUrl, ALERTER_PORT: String(port), LOG_LEVEL: 'warn', ALERTER_EVALUATION_INTERVAL_SECONDS: '1' }).start();
    const status = await until(
      'a full alerter round over the instances',
      async () => {
        const s = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.json(), () => undefined);
        return s?.lastFullRound?.instances === INSTANCES ? s : undefined;
      },
      30_000,
      logs,
    );
    assert.equal(status.lastFullRound.samples, INSTANCES * BATCHES * PER_BATCH, JSON.stringify(status));
  });

  test('retention drops whole day partitions on the nodes, through the coordinator', async () => {
    const later = NOW + (DEFAULT_RETENTION_DAYS.samples + 3) * DAY;
    const outcome = await applyRetention(pool, later, DEFAULT_RETENTION_DAYS);
    assert.ok(outcome.dropped.some((name) => name.startsWith('memsight_shard_0:samples_p')), JSON.stringify(outcome));
    assert.ok(outcome.dropped.some((name) => name.startsWith('memsight_shard_1:samples_p')));
    for (const server of await listShardServers(pool)) {
      assert.ok((await listNodePartitions(pool, server)).every((p) => p.toMs > later - DEFAULT_RETENTION_DAYS.samples * DAY));
    }
    assert.equal(Number((await pool.query('SELECT count(*) AS n FROM samples')).rows[0].n), 0);
  });
});
