// `npm run bench:dashboard`: the dashboard's first views with a real fleet's
// history behind them. The real `npm start` (production build of the
// dashboard, embedded PostgreSQL, ingest and alerter) as the browser tests
// start it; 50 apps × 10 instances with a day of 10 s samples written
// straight into PostgreSQL, kept live afterwards; then, in Chromium, signed
// in, the wall time from `page.goto` until each page's charts (or rows) are
// drawn. Exits 1 if any page's median misses the budget (1 s).
// Settings: BENCH_* variables, see bench/dashboard/config.ts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { configOrExit } from '@memsight/config';
import { createPool } from '@memsight/db';
import { CHROMIUM_ARGS, signedInPages } from '../apps/dashboard/e2e/browser';
import { panelsFor } from '../apps/dashboard/lib/panels';
import { loadBenchDashboardConfig } from './bench/dashboard/config';
import { startStack, stopStack, type RunningStack } from '../apps/dashboard/e2e/stack';
import { addDeployMarkers, createFleet, type Fleet } from './bench/dashboard/fleet';
import { NODE_METRICS, PYTHON_METRICS } from './bench/dashboard/fleet-metrics';
import { keepFleetLive, seedSamples } from './bench/dashboard/samples';
import { rollUpSeeded, type RollupSeedResult } from './bench/dashboard/rollups';
import { addResolvedAlerts, addSocketRule, waitForFiring } from './bench/dashboard/alerts';
import { alertsListed, appDrawn, appsListed, chartsDrawn, firstView, replayDirect, type PageSpec } from './bench/dashboard/navigate';
import { formatTable, pageFigures, type PageFigures } from './bench/dashboard/report';

const root = path.resolve(import.meta.dirname, '..');
const config = configOrExit(() => loadBenchDashboardConfig(process.env), 'bench:dashboard');
const say = (m: string) => process.stderr.write(`bench | ${m}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;

function pagesFor(fleet: Fleet): PageSpec[] {
  const leaker = (runtime: string) => fleet.instances.find((i) => i.runtime === runtime && i.leakBytesPerSecond > 0) ?? fleet.instances.find((i) => i.runtime === runtime);
  const py = leaker('cpython');
  const node = leaker('node');
  const panels = (metrics: [string, string][]) => panelsFor(metrics.map(([m]) => m)).length;
  const instancePages = (label: string, id: string, n: number): PageSpec[] => [
    { name: `instance (${label}, default 1h)`, path: `/instances/${id}`, ready: chartsDrawn, arg: n },
    { name: `instance (${label}, 24h)`, path: `/instances/${id}?range=24h`, ready: chartsDrawn, arg: n },
  ];
  const appOf = fleet.instances.find((i) => i.id === (py ?? node)!.id)!.appId;
  return [
    { name: 'overview /', path: '/', ready: appsListed, arg: fleet.apps.length },
    { name: 'app', path: `/apps/${appOf}`, ready: appDrawn, arg: config.instancesPerApp },
    ...(py ? instancePages('Python', py.id, panels(PYTHON_METRICS)) : []),
    ...(node ? instancePages('Node', node.id, panels(NODE_METRICS)) : []),
    { name: 'alerts', path: '/alerts', ready: alertsListed, arg: 1 },
  ];
}

async function measure(browser: Browser, stack: RunningStack, fleet: Fleet): Promise<PageFigures[]> {
  // Sign in once through the form; every navigation then starts a new context holding that session.
  const signedIn = await signedInPages(browser, stack.dashboardUrl, stack.admin)('/settings/keys');
  const session = await signedIn.context().storageState();
  await signedIn.close();
  const figures: PageFigures[] = [];
  for (const spec of pagesFor(fleet)) {
    const shared = config.cache === 'warm' ? await browser.newContext({ storageState: session, viewport: { width: 1280, height: 900 } }) : undefined;
    const settle = () => new Promise((r) => setTimeout(r, config.settleMs));
    const warm = await firstView(browser, stack.dashboardUrl, session, spec, undefined, shared);
    say(`${spec.name}: warm-up ${warm.ms.toFixed(0)} ms`);
    const navs = [];
    for (let k = 0; k < config.runs; k++) {
      await settle();
      navs.push(await firstView(browser, stack.dashboardUrl, session, spec, undefined, shared));
    }
    await shared?.close();
    const page = pageFigures(spec.name, spec.path, navs, config.budgetMs);
    page.loadAverage = loadavg()[0];
    if (page.slowestApi && !/^\/api\/(auth|me)\b/.test(page.slowestApi.route)) { // session-only routes refuse the API key
      page.slowestApi.directMs = (await replayDirect(stack.ingestUrl, stack.apiKey, [page.slowestApi.url])).get(page.slowestApi.url);
    }
    say(`${spec.name}: ${navs.map((n) => n.ms.toFixed(0)).join(', ')} ms`);
    figures.push(page);
  }
  return figures;
}

let stack: RunningStack | undefined;
let browser: Browser | undefined;
let live: ReturnType<typeof keepFleetLive> | undefined;
let dataDir: string | undefined;
let pool: ReturnType<typeof createPool> | undefined;
let exitCode = 1;
try {
  let t0 = performance.now();
  say('starting the stack as `npm start` does (building the dashboard first if its sources or ingest URL changed)…');
  stack = await startStack(root, say);
  say(`stack up in ${seconds(t0).toFixed(0)} s: ${stack.dashboardUrl}`);
  pool = createPool(`postgresql://memsight:memsight@127.0.0.1:${stack.pgPort}/memsight`, config.seedConnections + 1);
  dataDir = (await pool.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
  const { rows: [project] } = await pool.query<{ id: string }>(`SELECT id FROM projects WHERE slug = 'default'`);
  const endMs = Date.now();
  const fleet = await createFleet(pool, project!.id, { apps: config.apps, instancesPerApp: config.instancesPerApp, originMs: endMs - config.hours * 3_600_000 });
  say(`seeding ${fleet.instances.length} instances × ${config.hours} h at ${config.stepSeconds} s (${config.seedConnections} connections)…`);
  const seed = await seedSamples(pool, fleet, {
    endMs, hours: config.hours, stepSeconds: config.stepSeconds, fallbackStepSeconds: config.fallbackStepSeconds,
    budgetSeconds: config.seedBudgetSeconds, connections: config.seedConnections, log: say,
  });
  say(`seeded ${seed.rows.toLocaleString('en')} rows in ${seed.seconds.toFixed(0)} s`);
  live = keepFleetLive(pool, fleet, seed.timeline, (err) => say(`keep-alive failed: ${err.message}`));
  await live.caughtUp;
  let rollups: RollupSeedResult | undefined;
  if (config.rollups) {
    say('rolling the seeded day up (minutes, then hours), as the roller does live…');
    rollups = await rollUpSeeded(pool, seed.timeline, config.seedConnections, say);
    say(`rolled up in ${rollups.seconds.toFixed(0)} s`);
  }
  // A day-old database has been vacuumed and analysed by autovacuum; a freshly bulk-loaded one has not.
  t0 = performance.now();
  await pool.query('VACUUM ANALYZE samples');
  const vacuumSeconds = seconds(t0);
  const markers = await addDeployMarkers(pool, fleet, Date.now());
  const resolved = await addResolvedAlerts(pool, fleet, 240, seed.timeline.originMs, Date.now() - 3_600_000);
  await addSocketRule(stack.ingestUrl, stack.apiKey);
  // The socket leakers cross 500 after about 21 hours; a shorter history raises nothing to wait for.
  if (config.hours >= 21) say('waiting for the alerter to raise the open alerts (threshold rule over the socket leakers)…');
  const firing = await waitForFiring(stack.ingestUrl, stack.apiKey, 1, config.hours >= 21 ? 120_000 : 0);
  const { rows: [size] } = await pool.query<{ rows: string; bytes: string }>(
    `SELECT (SELECT count(*) FROM samples)::text AS rows,
            (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('samples'))::text AS bytes`,
  );
  say(`${Number(size!.rows).toLocaleString('en')} sample rows (${(Number(size!.bytes) / 2 ** 30).toFixed(2)} GiB), ${markers} deploy markers, ${resolved} resolved alerts, ${firing} firing`);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const pages = await measure(browser, stack, fleet);
  const stepSeconds = seed.timeline.stepMs / 1000;
  console.log(`\nDashboard first views (production build): ${fleet.apps.length} apps, ${fleet.instances.length} instances, ${config.hours} h at ${stepSeconds} s`);
  if (seed.fellBackFrom) console.log(`NOTE: seeded at ${stepSeconds} s, not ${seed.fellBackFrom.stepSeconds} s: that would have taken about ${seed.fellBackFrom.projectedSeconds.toFixed(0)} s (BENCH_SEED_BUDGET_SECONDS=${config.seedBudgetSeconds})`);
  console.log(`seeding: ${seed.rows.toLocaleString('en')} rows in ${seed.seconds.toFixed(0)} s (${(seed.rows / seed.seconds / 1000).toFixed(0)} k rows/s), VACUUM ANALYZE ${vacuumSeconds.toFixed(0)} s; ${Number(size!.rows).toLocaleString('en')} rows, ${(Number(size!.bytes) / 2 ** 30).toFixed(2)} GiB on disk`);
  console.log(rollups ? `rollups: ${rollups.minuteRows.toLocaleString('en')} minute and ${rollups.hourRows.toLocaleString('en')} hour rows in ${rollups.seconds.toFixed(0)} s (the roller keeps the live tail)` : 'rollups: none (BENCH_ROLLUPS=false): every chart reads raw samples');
  console.log(`median of ${config.runs} navigations after a warm-up, ${config.cache === 'cold' ? 'each in a new signed-in context (nothing cached)' : 'in one signed-in context per page (its scripts cached)'}, ${config.settleMs} ms apart; page.goto → charts drawn (or rows listed).`);
  console.log('document: goto → its first byte; first API: goto → the first API request sent; last API: goto → the last API response the view used; load: 1-min load average (2 cores)\n');
  console.log(formatTable(pages, config.budgetMs));
  mkdirSync(path.join(root, 'artifacts'), { recursive: true });
  writeFileSync(
    path.join(root, 'artifacts/bench-dashboard.json'),
    JSON.stringify({ date: new Date().toISOString(), config, seed: { ...seed, vacuumSeconds, rollups, totalRows: Number(size!.rows), bytes: Number(size!.bytes) }, firing, pages }, null, 2),
  );
  const failed = pages.filter((p) => !p.pass);
  console.log(failed.length ? `\nFAIL: ${failed.map((p) => p.page).join(', ')} over ${config.budgetMs} ms` : `\nPASS: every page under ${config.budgetMs} ms`);
  exitCode = failed.length ? 1 : 0;
} catch (err) {
  say(`failed: ${(err as Error).stack ?? err}`);
} finally {
  await live?.stop();
  await pool?.end();
  await browser?.close();
  await stopStack(stack?.stack);
  // The stack's data directory holds the seeded day (GBs): a temporary directory startStack made.
  const madeByStack = dataDir && path.dirname(path.dirname(dataDir));
  if (madeByStack && !config.keepData && path.dirname(madeByStack) === tmpdir() && path.basename(madeByStack).startsWith('memsight-stack-')) {
    rmSync(madeByStack, { recursive: true, force: true });
  } else if (madeByStack) say(`data kept in ${madeByStack}`);
}
process.exit(exitCode);
