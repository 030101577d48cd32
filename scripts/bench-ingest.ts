// `npm run bench:ingest`: HTTP ingest throughput against raw COPY, same run,
// same samples, same PostgreSQL. Bounded: a fixed number of requests and a
// deadline, on loopback only.
//   ingest: gzip batches from many simulated instances, over real HTTP to a
//           real ingest process, auth + validation + idempotency on, each
//           request acknowledged after its transaction commits
//   COPY:   the identical samples COPYed straight into the table layouts
//   peer:   VictoriaMetrics (Debian's victoria-metrics), the same samples to
//           its JSON-lines import over the same connections; skipped, with
//           the reason, where it cannot be installed
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApiKey, createPrisma, createProject, createPool, migrate, startEmbeddedPostgres, MIGRATIONS_DIR, type RunningPostgres } from '@memsight/db';
import { freePort } from './lib/free-port';
import { waitForHttp } from './lib/processes';
import { batchFor, generateValues, gzipBatch, METRIC_NAMES, type BenchShape } from './bench/sample-data';
import { CopyBaselines, LAYOUTS, relationBytes } from './bench/copy-baseline';
import { buildRequests, postAll } from './bench/http-load';
import { registerInstances } from './bench/warm-up';
import { backendCpu, cpuBetween } from './bench/pg-cpu';
import { diskBytes, startVictoriaMetrics, type Peer } from './bench/victoria-metrics';
import { importBodies, importRequests, peerRound, type PeerRound } from './bench/victoria-ingest';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '1000' },
    timestamps: { type: 'string', default: '100' },
    metrics: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '5' },
    'deadline-seconds': { type: 'string', default: '300' },
    // Writes a V8 CPU profile of the ingest process here (open it in Chrome DevTools).
    'profile-ingest': { type: 'string' },
  },
});
const shape: BenchShape = { instances: Number(args.instances), timestamps: Number(args.timestamps), metrics: Number(args.metrics), stepMs: 10_000 };
const concurrency = Number(args.concurrency);
const total = shape.instances * shape.timestamps * shape.metrics;
const deadline = Date.now() + Number(args['deadline-seconds']) * 1000;
const say = (m: string) => process.stderr.write(`bench | ${m}\n`);
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);

let embedded: RunningPostgres | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embedded = await startEmbeddedPostgres({ dataDir: mkdtempSync(path.join(tmpdir(), 'memsight-bench-pg-')), port: await freePort(), persistent: false });
  serverUrl = embedded.url;
}
const benchDb = `memsight_bench_${process.pid}`;
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${benchDb}` }).toString();
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${benchDb}`);
const pool = createPool(benchUrl, 2);
let ingest: ReturnType<typeof spawn> | undefined;
let peer: Peer | string | undefined;

try {
  await migrate(pool, MIGRATIONS_DIR);
  const prisma = createPrisma(benchUrl);
  const project = await createProject(prisma, 'bench', 'bench');
  const { secret: apiKey } = await createApiKey(prisma, project.id, 'bench');
  await prisma.$disconnect();

  say(`generating ${shape.instances} instances × ${shape.timestamps} timestamps × ${shape.metrics} metrics = ${fmt(total)} samples`);
  const values = generateValues(shape);
  const startMs = Date.now() - Number(args.rounds) * shape.timestamps * shape.stepMs;
  const metrics = METRIC_NAMES(shape.metrics);
  const processStartMs = startMs - 60_000;
  const firstBodies = values.map((rows, i) => gzipBatch(batchFor(i, startMs, shape, rows, metrics, processStartMs)));
  const bodyBytes = firstBodies.reduce((n, b) => n + b.length, 0);

  const port = await freePort();
  const profile = args['profile-ingest'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['profile-ingest'])}`] : [];
  ingest = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server.ts'], {
    cwd: path.join(root, 'services/ingest'),
    env: { ...process.env, DATABASE_URL: benchUrl, INGEST_PORT: String(port), INGEST_RATE_LIMIT_SAMPLES_PER_SECOND: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000, (s) => s === 200);

  say('warming up: one registering batch per instance…');
  const warmupRows = await registerInstances({ ports: [port], apiKey, values, startMs, shape, metrics, processStartMs, concurrency });
  const flushCount = async () =>
    Number(/^memsight_ingest_flush_seconds_count (\S+)$/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1] ?? NaN);

  const rounds = Number(args.rounds);
  const rates: number[] = [];
  const copyRates: number[][] = LAYOUTS.map(() => []);
  const latencies: number[] = [];
  let flushes = 0;
  let copyPgCpu = 0;
  let httpPgCpu = 0;
  // Each round is the next stretch of time for every instance, as its agent
  // would send it. All requests are built before any is timed.
  const roundRequests = Array.from({ length: rounds }, (_, round) => {
    const roundStart = startMs + round * shape.timestamps * shape.stepMs;
    const bodies = round === 0 ? firstBodies : values.map((rows, i) => gzipBatch({ ...batchFor(i, roundStart, shape, rows, metrics, processStartMs), seq: round + 1 }));
    return buildRequests(port, apiKey, bodies);
  });
  // COPY and HTTP rounds alternate, each after a checkpoint, so each ratio
  // compares two runs made a few seconds apart on the same machine.
  const baselines = await CopyBaselines.create(pool, values, startMs, shape);
  peer = await startVictoriaMetrics(say);
  const peerRequests = typeof peer === 'string' ? [] : Array.from({ length: rounds }, (_, round) =>
    importRequests(peer as Peer, importBodies(values, startMs + round * shape.timestamps * shape.stepMs, shape, metrics)));
  const peerRounds: PeerRound[] = [];
  for (let round = 0; round < rounds; round++) {
    say(`round ${round + 1}/${rounds}: raw COPY of the same samples into each layout…`);
    const copyCpu0 = backendCpu(benchDb);
    (await baselines.round()).forEach((seconds, l) => copyRates[l]!.push(total / seconds));
    copyPgCpu += cpuBetween(copyCpu0, backendCpu(benchDb));
    await pool.query('CHECKPOINT');
    say(`round ${round + 1}/${rounds}: ${shape.instances} gzip requests (${(bodyBytes / shape.instances / 1024).toFixed(1)} KiB each), ${concurrency} connections…`);
    const before = await flushCount();
    const httpCpu0 = backendCpu(benchDb);
    const r = await postAll(port, roundRequests[round]!, concurrency, deadline);
    httpPgCpu += cpuBetween(httpCpu0, backendCpu(benchDb));
    if (r.acceptedRows !== shape.instances * shape.timestamps) throw new Error(`accepted ${r.acceptedRows} rows, expected ${shape.instances * shape.timestamps} (deadline hit?)`);
    flushes += (await flushCount()) - before;
    rates.push(total / r.seconds);
    latencies.push(...r.latenciesMs);
    if (typeof peer !== 'string') {
      await pool.query('CHECKPOINT');
      say(`round ${round + 1}/${rounds}: the same samples to VictoriaMetrics' /api/v1/import, ${concurrency} connections…`);
      peerRounds.push(await peerRound(peer, peerRequests[round]!, total, concurrency, deadline));
    }
  }
  const copyBytes = await baselines.finish();
  say(`${flushes} group commits, ${((rounds * shape.instances) / flushes).toFixed(1)} requests each`);

  await pool.query('VACUUM ANALYZE samples');
  const sizeClient = await pool.connect();
  // Disk per sample of what ingest wrote, warm-up rows included in both counts.
  const ingestBytes = ((await relationBytes(sizeClient, 'samples').finally(() => sizeClient.release())) * total) / (rounds * total + warmupRows * shape.metrics);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const copies = LAYOUTS.map((layout, l) => ({ layout, rounds: copyRates[l]!, samplesPerSecond: median(copyRates[l]!), bytesPerSample: copyBytes[l]! }));
  const bestIndex = copies.reduce((b, c, l) => (c.samplesPerSecond > copies[b]!.samplesPerSecond ? l : b), 0);
  const best = copies[bestIndex]!;
  // The ratio of each round to its own COPY round, then the median of those.
  const ratioTo = (l: number) => median(rates.map((r, i) => r / copyRates[l]![i]!));
  const httpRate = median(rates);
  let peerBytes = 0;
  if (typeof peer !== 'string') {
    await peer.stop(); // a stop flushes what it buffers: then its directory is what it stores
    peerBytes = diskBytes(peer) / (rounds * total);
  }
  // Round 1 creates every series in both; later rounds add to existing ones.
  const peerRates = (key: keyof PeerRound) => peerRounds.map((p) => total / p[key]);
  const peerResult = typeof peer === 'string' ? { skipped: peer } : {
    rounds: peerRounds,
    newSeries: { answered: peerRates('answeredSeconds')[0]!, stored: peerRates('storedSeconds')[0]! },
    existingSeries: rounds > 1 ? { answered: median(peerRates('answeredSeconds').slice(1)), stored: median(peerRates('storedSeconds').slice(1)) } : undefined,
    bytesPerSample: peerBytes,
    oursToStored: median(rates.map((r, i) => r / peerRates('storedSeconds')[i]!)),
  };
  latencies.sort((a, b) => a - b);
  const result = {
    shape,
    concurrency,
    http: { rounds: rates, samplesPerSecond: httpRate, bytesPerSample: ingestBytes / total, p50Ms: latencies[Math.floor(latencies.length / 2)], p99Ms: latencies[Math.floor(latencies.length * 0.99)] },
    copies,
    ratioToBestCopy: ratioTo(bestIndex),
    ratioToOurLayoutCopy: ratioTo(0),
    // Both COPY layouts together per round, so per 2 × rounds × total samples.
    postgresCpuSecondsPerMillionSamples: { copy: (copyPgCpu * 1e6) / (2 * rounds * total), http: (httpPgCpu * 1e6) / (rounds * total) },
    victoriaMetrics: peerResult,
  };
  mkdirSync(path.join(root, 'artifacts'), { recursive: true });
  writeFileSync(path.join(root, 'artifacts/bench-ingest.json'), JSON.stringify(result, null, 2));
  const rows = [
    ['HTTP POST /v1/ingest (gzip, auth, validation, idempotency, ack after commit)', httpRate, ingestBytes / total],
    ...copies.map((c) => [c.layout, c.samplesPerSecond, c.bytesPerSample] as const),
  ];
  console.log(`\n${fmt(total)} samples (${shape.instances} instances × ${shape.timestamps} timestamps × ${shape.metrics} metrics), median of ${args.rounds} interleaved rounds\n`);
  for (const [name, rate, bytes] of rows) console.log(`${String(name).padEnd(80)} ${fmt(rate as number).padStart(8)} samples/s  ${(bytes as number).toFixed(1).padStart(5)} B/sample`);
  console.log(`\nHTTP ingest / best raw COPY (${best.layout}), median of per-round ratios: ${result.ratioToBestCopy.toFixed(2)}`);
  console.log(`per round: ${rates.map((r, i) => `${fmt(r)}/${fmt(copyRates[bestIndex]![i]!)}`).join(', ')}`);
  console.log(`HTTP ingest / raw COPY into our layout: ${result.ratioToOurLayoutCopy.toFixed(2)}`);
  const pgCpu = result.postgresCpuSecondsPerMillionSamples;
  console.log(`PostgreSQL backend CPU per million samples: ${pgCpu.copy.toFixed(2)} s in raw COPY, ${pgCpu.http.toFixed(2)} s in HTTP ingest`);
  console.log(`request latency p50 ${result.http.p50Ms!.toFixed(1)} ms, p99 ${result.http.p99Ms!.toFixed(1)} ms`);
  if ('skipped' in peerResult) console.log(`\nVictoriaMetrics: skipped, ${peerResult.skipped}`);
  else {
    const line = (label: string, r: { answered: number; stored: number }) => console.log(`  ${label.padEnd(18)} ${fmt(r.answered).padStart(8)} samples/s to its answers, ${fmt(r.stored).padStart(8)} samples/s into storage`);
    console.log(`\nVictoriaMetrics 1.79, same samples to /api/v1/import (gzip JSON lines), ${concurrency} connections, rounds alternating with ours:`);
    line('new series', peerResult.newSeries);
    if (peerResult.existingSeries) line('existing series', peerResult.existingSeries);
    console.log(`  ${peerResult.bytesPerSample.toFixed(2)} B/sample on disk after the run (ours: ${(ingestBytes / total).toFixed(1)} B/sample raw, before compaction)`);
    console.log(`  HTTP ingest / VictoriaMetrics into storage, median of per-round ratios: ${peerResult.oursToStored.toFixed(2)}`);
  }
} finally {
  ingest?.kill('SIGTERM');
  if (peer && typeof peer !== 'string') await peer.stop().catch(() => {});
  await new Promise((r) => (ingest && ingest.exitCode === null ? ingest.once('exit', r) : r(null)));
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.end();
  await embedded?.stop();
}
