// `npm run bench:alerter`: the alerter's two goals, with real processes.
//   latency: from the commit of a sample that satisfies a threshold rule to
//            the event in a socket.io client (goal: p99 < 2 s);
//   rounds:  one evaluation round over 10,000 live instances with 2 hours of
//            10 s data each, its duration and PostgreSQL CPU (goal: < 10 s).
// Bounded by counts and a deadline; loopback only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApiKey, createPool, createPrisma, createProject, migrate, startEmbeddedPostgres, MIGRATIONS_DIR, type RunningPostgres } from '@memsight/db';
import { freePort } from './lib/free-port';
import { percentile } from './lib/percentile';
import { waitForHttp } from './lib/processes';
import { measureAlertLatency } from './bench/alert-latency';
import { createFleet, insertFleetSamples } from './bench/alerter-data';
import { firstRound, measureRounds } from './bench/evaluation-round';
import { backendCpu } from './bench/pg-cpu';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    'background-instances': { type: 'string', default: '200' },
    instances: { type: 'string', default: '10000' },
    'history-hours': { type: 'string', default: '2' },
    'steady-rounds': { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const say = (m: string) => process.stderr.write(`bench | ${m}\n`);
const pct = percentile;

let embedded: RunningPostgres | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embedded = await startEmbeddedPostgres({ dataDir: mkdtempSync(path.join(tmpdir(), 'memsight-bench-pg-')), port: await freePort(), persistent: false });
  serverUrl = embedded.url;
}
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const children: ChildProcess[] = [];
const databases: string[] = [];

async function database(label: string): Promise<{ name: string; url: string; pool: pg.Pool }> {
  const name = `memsight_bench_${label}_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  databases.push(name);
  const url = Object.assign(new URL(serverUrl!), { pathname: `/${name}` }).toString();
  const pool = createPool(url, 4);
  await migrate(pool, MIGRATIONS_DIR);
  return { name, url, pool };
}

async function project(url: string): Promise<{ projectId: string; apiKey: string }> {
  const prisma = createPrisma(url);
  const { id } = await createProject(prisma, 'bench', 'bench');
  const { secret } = await createApiKey(prisma, id, 'bench');
  await prisma.$disconnect();
  return { projectId: id, apiKey: secret };
}

function service(name: 'ingest' | 'alerter', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: path.join(root, 'services', name),
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return child;
}

const report: Record<string, unknown> = { date: new Date().toISOString(), postgres: embedded ? 'embedded' : 'DATABASE_URL' };
try {
  if (args.only !== 'rounds') {
    const db = await database('latency');
    const { projectId, apiKey } = await project(db.url);
    await db.pool.query(
      `INSERT INTO alert_rules (id, project_id, kind, name, params) VALUES (gen_random_uuid(), $1, 'threshold', 'bench: threads', '{"metric":"process.threads","op":">","value":500}')`,
      [projectId],
    );
    const ingestPort = await freePort();
    const alerterPort = await freePort();
    service('ingest', { DATABASE_URL: db.url, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_SAMPLES_PER_SECOND: '0' });
    service('alerter', { DATABASE_URL: db.url, ALERTER_PORT: String(alerterPort) });
    await waitForHttp(`http://127.0.0.1:${ingestPort}/readyz`, 60_000, (s) => s === 200);
    await waitForHttp(`http://127.0.0.1:${alerterPort}/readyz`, 60_000, (s) => s === 200);
    const r = await measureAlertLatency({
      ingestUrl: `http://127.0.0.1:${ingestPort}`, apiKey, instances: 20, trials: Number(args.trials),
      backgroundInstances: Number(args['background-instances']), log: say,
    });
    const summary = (xs: number[]) => ({ p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) });
    report.latency = { trials: r.trials, backgroundInstances: Number(args['background-instances']), firingMs: summary(r.firingMs), resolvedMs: summary(r.resolvedMs) };
    say(`commit → socket.io event, firing: p50 ${pct(r.firingMs, 50).toFixed(1)} ms, p99 ${pct(r.firingMs, 99).toFixed(1)} ms (goal p99 < 2000 ms)`);
    say(`commit → socket.io event, resolved: p50 ${pct(r.resolvedMs, 50).toFixed(1)} ms, p99 ${pct(r.resolvedMs, 99).toFixed(1)} ms`);
    for (const c of children.splice(0)) c.kill('SIGTERM');
    await db.pool.end();
  }
  if (args.only !== 'latency') {
    const db = await database('rounds');
    const { projectId } = await project(db.url);
    const count = Number(args.instances);
    const historySamples = Math.round((Number(args['history-hours']) * 3600) / 10);
    const originMs = Date.now() - historySamples * 10_000;
    const fleet = await createFleet(db.pool, projectId, count, originMs - 600_000);
    say(`loading ${count} instances × ${historySamples} samples (${((count * historySamples) / 1e6).toFixed(1)} M rows)…`);
    const t = Date.now();
    const rows = await insertFleetSamples(db.pool, fleet, { fromN: 0, toN: historySamples, stepMs: 10_000, originMs });
    await db.pool.query('VACUUM ANALYZE samples');
    say(`loaded ${rows} rows in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    const alerterPort = await freePort();
    const pgBefore = backendCpu(db.name);
    // A long interval: after its first round (at start), the benchmark starts each round itself.
    const alerter = service('alerter', { DATABASE_URL: db.url, ALERTER_PORT: String(alerterPort), ALERTER_EVALUATION_INTERVAL_SECONDS: '86400' });
    const alerterUrl = `http://127.0.0.1:${alerterPort}`;
    await waitForHttp(`${alerterUrl}/livez`, 60_000, (s) => s === 200);
    const first = await firstRound(alerterUrl, db.name, alerter.pid!, pgBefore);
    say(`first round (reads every instance's history): ${(first.ms / 1000).toFixed(1)} s (read ${first.phases.read} ms, evaluate ${first.phases.evaluate} ms, write ${first.phases.write} ms), ${first.samples} samples`);
    const figures = await measureRounds({
      first,
      pool: db.pool, database: db.name, alerterUrl, alerterPid: alerter.pid!, fleet, originMs, historySamples,
      steadyRounds: Number(args['steady-rounds']), log: say,
    });
    report.rounds = { instances: count, historyHours: Number(args['history-hours']), figures };
    const steady = figures.filter((f) => f.kind === 'steady');
    say(`steady round over ${count} instances: median ${(pct(steady.map((f) => f.ms), 50) / 1000).toFixed(2)} s (goal < 10 s), PostgreSQL ${pct(steady.map((f) => f.pgCpuSeconds), 50).toFixed(2)} CPU-s, alerter RSS ${(figures.at(-1)!.alerterRssBytes / 2 ** 20).toFixed(0)} MiB`);
    await db.pool.end();
  }
  mkdirSync(path.join(root, 'artifacts'), { recursive: true });
  writeFileSync(path.join(root, 'artifacts/bench-alerter.json'), JSON.stringify(report, null, 2));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  await admin.end();
  await embedded?.stop();
}
