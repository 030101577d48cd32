// A repeatable memory probe of ingest (issue 14: 600 MB held after the probes
// ended, against 142 MB at start). Runs ingest in this process on a fresh
// database of the test server, floods it the way the probes did (new apps,
// instances and metric-name lists from one key; oversized series queries),
// and prints memory after a full GC at each stage: what the JS heap still
// holds after the flood is what some structure keeps; RSS above that is the
// allocator keeping freed pages.
//
//   DATABASE_URL=postgresql://… node --expose-gc --import tsx scripts/probe-memory.ts [--batches 1500] [--names 400]
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createTenant } from '@memsight/db/testing';
import { createTestDatabase } from '@memsight/db/testing';
import { buildIngest } from '../services/ingest/src/build';
import { loadIngestConfig } from '../services/ingest/src/config';

const { values: args } = parseArgs({ options: { batches: { type: 'string', default: '1500' }, names: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '16' } } });
const BATCHES = Number(args.batches);
const NAMES = Number(args.names);
const CONCURRENCY = Number(args.concurrency);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc, so each reading is taken after a full collection.');

const MB = (n: number) => Math.round(n / 1024 / 1024);
async function reading(stage: string) {
  for (let k = 0; k < 3; k++) {
    gc!();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  console.log(`${stage.padEnd(34)} rss ${String(MB(m.rss)).padStart(5)} MB   heap used ${String(MB(m.heapUsed)).padStart(4)} MB   external ${String(MB(m.external)).padStart(4)} MB`);
}

const db = await createTestDatabase('probe_memory');
const tenant = await createTenant('probe-memory', db.url);
const config = loadIngestConfig({}, { databaseUrl: db.url, port: 0, logLevel: 'silent', rollupIntervalSeconds: 0 });
const app = await buildIngest({ config });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` };

/** One batch as the probes sent it: a new app, a new instance and a new list of long metric names. */
function floodBatch(k: number) {
  const tag = randomBytes(4).toString('hex');
  const metrics = Array.from({ length: NAMES }, (_, i) => `probe.metric_${tag}_${'x'.repeat(120)}_${i}`);
  const now = Date.now();
  return {
    v: 1,
    agent: { name: 'memsight-probe', version: '0.0.0' },
    instance: { id: `probe-instance-${k}-${tag}`, app: `probe-app-${k}`, host: `host-${k}`, pid: 1000 + k, runtime: 'cpython', runtimeVersion: '3.12.0', startedAt: now - 60_000, labels: { pod: `pod-${tag}`.padEnd(200, 'p') } },
    seq: 1,
    metrics,
    samples: [{ ts: now - 1000, values: metrics.map((_, i) => i) }],
  };
}

async function pool<T>(n: number, work: (k: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      const k = next++;
      out[k] = await work(k);
    }
  }));
  return out;
}

try {
  // Warm-up: one ordinary instance with a long series, so the query stage has something to read.
  const now = Date.now();
  const metrics = ['process.memory.rss', 'process.threads'];
  const warm = { ...floodBatch(-1), instance: { ...floodBatch(-1).instance, id: 'probe-steady-0001', app: 'steady' }, metrics, samples: Array.from({ length: 8000 }, (_, i) => ({ ts: now - 8000_000 + i * 1000, values: [1e8 + i, 4] })) };
  await fetch(`${url}/v1/ingest`, { method: 'POST', headers, body: JSON.stringify(warm) });
  await reading('after start and one instance');

  const started = performance.now();
  const statuses = await pool(BATCHES, async (k) => (await fetch(`${url}/v1/ingest`, { method: 'POST', headers, body: JSON.stringify(floodBatch(k)) })).status);
  const byStatus = statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
  console.log(`flood: ${BATCHES} batches (new app, instance and ${NAMES}-name list each) in ${Math.round(performance.now() - started)} ms: ${JSON.stringify(byStatus)}`);
  await reading('after the flood of new series');

  const { rows } = await tenant.pool.query("SELECT id::text FROM instances WHERE agent_instance_id = 'probe-steady-0001'");
  const metric = Array.from({ length: 50 }, () => 'metric=process.memory.rss').join('&');
  for (let k = 0; k < 5; k++) {
    const res = await fetch(`${url}/api/instances/${rows[0].id}/series?${metric}&from=${now - 8000_000}&to=${now}&step=0`, { headers });
    const body = await res.text();
    if (k === 0) console.log(`series: the same metric 50 times at step 0 → ${res.status}, ${Math.round(body.length / 1024)} KB`);
  }
  await reading('after the oversized queries');
  const apps = await (await fetch(`${url}/api/apps`, { headers })).json();
  console.log(`GET /api/apps: ${apps.apps?.length} apps on the first page, nextCursor ${apps.nextCursor ? 'set' : 'null'}`);
  await reading('at the end');
} finally {
  await app.close();
  await tenant.cleanup();
  await db.drop();
}
