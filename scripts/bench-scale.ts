// `npm run bench:scale`: HTTP ingest throughput as memsight scales out, four
// configurations in one run, each on fresh embedded PostgreSQL servers (same
// binaries, same settings, durable commits), the same prepared samples:
//   (a) one ingest process over one PostgreSQL
//   (b) two ingest processes over one PostgreSQL, instances spread evenly
//   (c) one ingest over a coordinator whose samples live on one data node (postgres_fdw)
//   (d) the same with two data nodes, samples hashed by instance
// Configuration (a) also measures the disk a sample takes raw, in rollups and compacted.
// Bounded: a fixed number of samples per configuration and a deadline, loopback only.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey, createPool, createPrisma, createProject, startEmbeddedCluster, type EmbeddedCluster } from '@memsight/db';
import { freePort } from './lib/free-port';
import { startService, stopService, waitForHttp, type Service } from './lib/processes';
import { batchFor, generateValues, gzipBatch, METRIC_NAMES, type BenchShape } from './bench/sample-data';
import { buildRequests, postAll } from './bench/http-load';
import { registerInstances } from './bench/warm-up';
import { measureDisk, type DiskFigures } from './bench/scale-disk';
import { backendCpu, cpuBetween, processCpu } from './bench/pg-cpu';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '500' },
    timestamps: { type: 'string', default: '100' },
    metrics: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    'deadline-seconds': { type: 'string', default: '360' },
  },
});
const shape: BenchShape = { instances: Number(args.instances), timestamps: Number(args.timestamps), metrics: Number(args.metrics), stepMs: 10_000 };
const concurrency = Number(args.concurrency);
const rounds = Number(args.rounds);
const perRound = shape.instances * shape.timestamps * shape.metrics;
const deadline = Date.now() + Number(args['deadline-seconds']) * 1000;
const say = (m: string) => process.stderr.write(`bench | ${m}\n`);
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Config {
  label: string;
  ingests: number;
  dataNodes: number;
}
const CONFIGS: Config[] = [
  { label: '(a) 1 ingest, 1 PostgreSQL', ingests: 1, dataNodes: 0 },
  { label: '(b) 2 ingests, 1 PostgreSQL', ingests: 2, dataNodes: 0 },
  { label: '(c) 1 ingest, coordinator + 1 data node', ingests: 1, dataNodes: 1 },
  { label: '(d) 1 ingest, coordinator + 2 data nodes', ingests: 1, dataNodes: 2 },
];

say(`generating ${shape.instances} instances × ${shape.timestamps} timestamps × ${shape.metrics} metrics = ${fmt(perRound)} samples a round`);
const values = generateValues(shape);
const metrics = METRIC_NAMES(shape.metrics);
const startMs = Date.now() - (rounds + 1) * shape.timestamps * shape.stepMs;
const processStartMs = startMs - 60_000;
// Round r is the next stretch of time of every instance; the same gzip bodies serve every configuration.
const bodies = Array.from({ length: rounds }, (_, r) =>
  values.map((rows, i) => gzipBatch({ ...batchFor(i, startMs + r * shape.timestamps * shape.stepMs, shape, rows, metrics, processStartMs), seq: r + 1 })),
);

/** CPU seconds so far of the ingest processes, and of the PostgreSQL backends serving each server's database. */
function cpuNow(ingests: Service[], urls: string[]): { ingest: number; pg: Map<string, number>[] } {
  return {
    ingest: ingests.reduce((s, i) => s + (i.child.pid ? processCpu(i.child.pid) : 0), 0),
    pg: urls.map((u) => backendCpu(decodeURIComponent(new URL(u).pathname.slice(1)))),
  };
}

interface Cpu { ingestSecondsPerMillion: number; postgresSecondsPerMillion: number }

async function runConfig(c: Config): Promise<{ rates: number[]; cpu: Cpu[]; disk?: DiskFigures }> {
  let cluster: EmbeddedCluster | undefined;
  const ingests: Service[] = [];
  try {
    say(`${c.label}: starting ${1 + c.dataNodes} PostgreSQL server(s)…`);
    cluster = await startEmbeddedCluster({ ports: await Promise.all(Array.from({ length: 1 + c.dataNodes }, () => freePort())), nowMs: Date.now(), fast: false });
    const prisma = createPrisma(cluster.coordinatorUrl);
    const project = await createProject(prisma, 'bench', 'bench');
    const { secret: apiKey } = await createApiKey(prisma, project.id, 'bench');
    await prisma.$disconnect();
    const ports = await Promise.all(Array.from({ length: c.ingests }, () => freePort()));
    for (const [k, port] of ports.entries()) {
      ingests.push(startService(`ingest-${k + 1}`, process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: path.join(root, 'services/ingest'),
        // Rollups off: this measures the write path alone, the same in every configuration.
        env: { ...process.env, DATABASE_URL: cluster.coordinatorUrl, INGEST_PORT: String(port), INGEST_RATE_LIMIT_SAMPLES_PER_SECOND: '0', INGEST_ROLLUP_INTERVAL_SECONDS: '0', LOG_LEVEL: 'warn' },
      }));
    }
    await Promise.all(ports.map((port) => waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000, (s) => s === 200)));
    await registerInstances({ ports, apiKey, values, startMs, shape, metrics, processStartMs, concurrency });
    // Instance i always goes to ingest i mod N, as a load balancer hashing agents would send it.
    const share = (list: Buffer[], k: number) => list.filter((_, i) => i % ports.length === k);
    const requests = bodies.map((round) => ports.map((port, k) => buildRequests(port, apiKey, share(round, k))));
    const rates: number[] = [];
    const cpu: Cpu[] = [];
    const urls = [cluster.coordinatorUrl, ...cluster.nodeUrls];
    for (let r = 0; r < rounds; r++) {
      const before = cpuNow(ingests, urls);
      const started = performance.now();
      const done = await Promise.all(ports.map((port, k) => postAll(port, requests[r]![k]!, Math.max(1, Math.round(concurrency / ports.length)), deadline)));
      const seconds = (performance.now() - started) / 1000;
      const accepted = done.reduce((n, d) => n + d.acceptedRows, 0);
      if (accepted !== shape.instances * shape.timestamps) throw new Error(`${c.label}: accepted ${accepted} rows, expected ${shape.instances * shape.timestamps} (deadline hit?)`);
      rates.push(perRound / seconds);
      // Where the time goes: on one small machine every process shares the same cores, so
      // CPU per sample, not samples/s, is what sizes separate machines.
      const after = cpuNow(ingests, urls);
      const pgSeconds = after.pg.reduce((s, m, i) => s + cpuBetween(before.pg[i]!, m), 0);
      cpu.push({ ingestSecondsPerMillion: ((after.ingest - before.ingest) * 1e6) / perRound, postgresSecondsPerMillion: (pgSeconds * 1e6) / perRound });
      say(`${c.label}: round ${r + 1}/${rounds} ${fmt(perRound / seconds)} samples/s; CPU-s per M samples: ingest ${cpu.at(-1)!.ingestSecondsPerMillion.toFixed(2)}, PostgreSQL backends ${cpu.at(-1)!.postgresSecondsPerMillion.toFixed(2)}`);
    }
    const pool = createPool(cluster.coordinatorUrl, 2); // measureDisk holds one while compaction takes the other
    try {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM samples');
      const expected = shape.instances * (rounds * shape.timestamps + 1);
      if (Number(rows[0]!.n) !== expected) throw new Error(`${c.label}: ${rows[0]!.n} rows stored, expected ${expected}`);
      for (const url of cluster.nodeUrls) {
        const node = createPool(url, 1);
        say(`${c.label}: data node holds ${(await node.query('SELECT count(*) AS n FROM samples')).rows[0].n} rows`);
        await node.end();
      }
      return { rates, cpu, disk: c.dataNodes === 0 && c.ingests === 1 ? await measureDisk(pool, say) : undefined };
    } finally {
      await pool.end();
    }
  } finally {
    await Promise.all(ingests.map((s) => stopService(s)));
    await cluster?.stop();
  }
}

const results: { config: Config; rates: number[]; samplesPerSecond: number; cpu: Cpu }[] = [];
let disk: DiskFigures | undefined;
for (const config of CONFIGS) {
  const r = await runConfig(config);
  const cpu = { ingestSecondsPerMillion: median(r.cpu.map((x) => x.ingestSecondsPerMillion)), postgresSecondsPerMillion: median(r.cpu.map((x) => x.postgresSecondsPerMillion)) };
  results.push({ config, rates: r.rates, samplesPerSecond: median(r.rates), cpu });
  disk ??= r.disk;
}
const [a, , c, d] = results.map((r) => r.samplesPerSecond) as [number, number, number, number];
mkdirSync(path.join(root, 'artifacts'), { recursive: true });
writeFileSync(path.join(root, 'artifacts/bench-scale.json'), JSON.stringify({ shape, concurrency, rounds, results, disk }, null, 2));

console.log(`\n${fmt(perRound)} samples a round (${shape.instances} instances × ${shape.timestamps} timestamps × ${shape.metrics} metrics), median of ${rounds} rounds, ${concurrency} connections in all\n`);
console.log('| configuration | samples/s | rounds | vs (a) | vs (c) | ingest CPU-s per M | PostgreSQL CPU-s per M |');
console.log('|---|---:|---|---:|---:|---:|---:|');
for (const r of results) {
  const vsC = r.config.dataNodes > 0 ? `${(r.samplesPerSecond / c).toFixed(2)}` : '';
  console.log(`| ${r.config.label} | ${fmt(r.samplesPerSecond)} | ${r.rates.map(fmt).join(', ')} | ${(r.samplesPerSecond / a).toFixed(2)} | ${vsC} | ${r.cpu.ingestSecondsPerMillion.toFixed(2)} | ${r.cpu.postgresSecondsPerMillion.toFixed(2)} |`);
}
console.log(`\ntwo data nodes / one: ${(d / c).toFixed(2)}; sharded over two / one PostgreSQL: ${(d / a).toFixed(2)}`);
if (disk) {
  console.log(`\ndisk per sample in (a), after VACUUM: raw ${disk.rawBytesPerSample.toFixed(1)} B, minute rollups ${disk.minuteBytesPerSample.toFixed(2)} B, hour rollups ${disk.hourBytesPerSample.toFixed(3)} B, compacted ${disk.compactBytesPerSample.toFixed(2)} B`);
  console.log(`(${shape.metrics} metrics every ${shape.stepMs / 1000} s: a minute rollup row covers ${60_000 / shape.stepMs} samples of each metric)`);
}
