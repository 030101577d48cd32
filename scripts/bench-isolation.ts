// `npm run bench:isolation`: does one project's flood slow another project
// down? One real ingest process over its own embedded PostgreSQL, with the
// default rate limit. A quiet tenant sends one-sample batches back to back,
// first alone, then while a flooding tenant keeps 16 maximal bodies (~9.5 MB
// of JSON each, below the 10 MB limit) in flight, resending at once whatever
// it is told (it ignores Retry-After), from a process of its own. Reports the quiet tenant's p50/p99 in
// both phases of the same run; the goal is a p99 within 2× of the quiet phase.
// Bounded: two phases of --seconds each (default 20), under 3 minutes in all.
// Ingest runs as its image runs it: the compiled bundle (npm run build, which
// the npm script does first), with the image's V8 flags. The flooding client
// writes raw HTTP/1.1 and takes little CPU (flood.ts); FLOOD_NICE=19 still
// runs it at the lowest priority, nearer a flood from another machine.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey, createPool, createPrisma, createProject, migrate, startEmbeddedPostgres, MIGRATIONS_DIR } from '@memsight/db';
import { freePort } from './lib/free-port';
import { waitForHttp } from './lib/processes';
import { batch } from './bench/isolation/bodies';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    flooders: { type: 'string', default: '16' },
    'body-mb': { type: 'string', default: '9.5' },
  },
});
const PHASE_MS = Number(args.seconds) * 1000;
const FLOODERS = Number(args.flooders);
const say = (m: string) => process.stderr.write(`bench | ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const percentile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

const dataDir = mkdtempSync(path.join(tmpdir(), 'memsight-bench-isolation-pg-'));
const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, fast: true, onLog: () => {} });
let ingest: ReturnType<typeof spawn> | undefined;
try {
  const pool = createPool(embedded.url, 1);
  await migrate(pool, MIGRATIONS_DIR);
  await pool.end();
  const prisma = createPrisma(embedded.url);
  const keys: string[] = [];
  for (const name of ['quiet', 'flood']) {
    const project = await createProject(prisma, name, name);
    keys.push((await createApiKey(prisma, project.id, 'bench')).secret);
  }
  await prisma.$disconnect();
  const [quietKey, floodKey] = keys as [string, string];

  const port = await freePort();
  ingest = spawn(process.execPath, ['--v8-pool-size=1', 'dist/server.js'], {
    cwd: path.join(root, 'services/ingest'),
    env: { ...process.env, DATABASE_URL: embedded.url, INGEST_PORT: String(port), LOG_LEVEL: 'error', INGEST_ROLLUP_INTERVAL_SECONDS: '0', INGEST_SOCKET_ADAPTER: 'local' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/v1/ingest`;
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000, (s) => s === 200);

  const post = (key: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body }).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    );

  let seq = 0;
  const quietStartedAt = Date.now() - 60_000;
  const quietPhase = async (ms: number) => {
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    for (const end = performance.now() + ms; performance.now() < end; ) {
      const body = batch(`quiet-instance-${seq % 5}`, ++seq, [[Date.now(), 1e8]], ['process.memory.rss'], quietStartedAt);
      const t0 = performance.now();
      const status = await post(quietKey, body);
      latencies.push(performance.now() - t0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await sleep(20);
    }
    return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), n: latencies.length, statuses: Object.fromEntries(statuses) };
  };

  say('warming up…');
  await quietPhase(3_000);
  say(`phase 1: the quiet tenant alone for ${PHASE_MS / 1000} s`);
  const alone = await quietPhase(PHASE_MS);

  const flood = spawn(process.env.FLOOD_NICE ? 'nice' : process.execPath, [...(process.env.FLOOD_NICE ? ['-n', process.env.FLOOD_NICE, process.execPath] : []), '--import', 'tsx', path.join(root, 'scripts/bench/isolation/flood.ts'), url, floodKey, String(FLOODERS), args['body-mb']!], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let floodOut = '';
  flood.stdout!.on('data', (d) => (floodOut += d));
  await new Promise((resolve, reject) => (flood.once('message', resolve), flood.once('exit', reject)));
  await sleep(2_000);
  say(`phase 2: the same, while ${FLOODERS} flooders post ${args['body-mb']} MB bodies from another process`);
  const flooded = await quietPhase(PHASE_MS);
  const floodExit = new Promise((r) => flood.once('exit', r));
  flood.kill('SIGTERM');
  await floodExit;
  const floodResult = JSON.parse(floodOut.trim().split('\n').at(-1)!);

  const ratio = flooded.p99 / alone.p99;
  const result = {
    alone: { p50Ms: +alone.p50.toFixed(1), p99Ms: +alone.p99.toFixed(1), batches: alone.n, statuses: alone.statuses },
    flooded: { p50Ms: +flooded.p50.toFixed(1), p99Ms: +flooded.p99.toFixed(1), batches: flooded.n, statuses: flooded.statuses },
    flood: floodResult,
    p99Ratio: +ratio.toFixed(2),
    goalMet: ratio <= 2,
  };
  console.log(JSON.stringify(result, null, 2));
  say(`quiet tenant p99: ${alone.p99.toFixed(1)} ms alone, ${flooded.p99.toFixed(1)} ms flooded (${ratio.toFixed(2)}×; goal ≤ 2×: ${ratio <= 2 ? 'met' : 'NOT met'})`);
} finally {
  if (ingest?.pid && ingest.exitCode === null) {
    const exited = new Promise((r) => ingest!.once('exit', r));
    ingest.kill('SIGTERM');
    await exited;
  }
  await embedded.stop();
}
