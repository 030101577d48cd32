// `npm start`: the whole memsight stack on this machine.
// PostgreSQL (embedded unless DATABASE_URL is set) → migrations → ingest,
// alerter and dashboard as child processes → a banner with the dashboard URL,
// an API key and an agent snippet. Ctrl-C stops everything.
import path from 'node:path';
import { createPool, createPrisma, migrate, startEmbeddedPostgres, MIGRATIONS_DIR, type RunningPostgres } from '@memsight/db';
import { ensureDefaultProject } from './lib/default-project';
import { startService, stopService, waitForHttp, type Service } from './lib/processes';
import { inheritedEnvironment, stackConfigFromEnvironment } from './lib/stack-config';
import { printBanner } from './lib/banner';
import { authSecret, ensureFirstAdmin } from './lib/first-admin';
import { ensureDashboardBuilt } from './lib/dashboard-build';

const root = path.resolve(import.meta.dirname, '..');
const log = (msg: string) => process.stderr.write(`memsight | ${msg}\n`);

const config = stackConfigFromEnvironment(root);

let embedded: RunningPostgres | undefined;
const services: Service[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log('stopping…');
    await Promise.all(services.map(stopService));
    await embedded?.stop().catch(() => {});
    log('stopped');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    log(`starting embedded PostgreSQL (data in ${path.join(config.dataDir, 'pg')}, port ${config.embeddedPgPort})`);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, persistent: true });
    databaseUrl = embedded.url;
  }
  const pool = createPool(databaseUrl, 2);
  const migrated = await migrate(pool, MIGRATIONS_DIR);
  log(`migrations: ${migrated.applied.length} applied, ${migrated.skipped.length} already there`);
  await pool.end();
  const prisma = createPrisma(databaseUrl);
  const { projectId, apiKey, agentKey } = await ensureDefaultProject(prisma, config.dataDir, config.alertEmail);
  await prisma.$disconnect();

  const ingestUrl = `http://${config.host}:${config.ingestPort}`;
  const dashboardUrl = `http://${config.host}:${config.dashboardPort}`;
  const secret = authSecret(config.dataDir, config.authSecret);
  const admin = await ensureFirstAdmin({ databaseUrl, secret, dashboardUrl, projectId, dataDir: config.dataDir, email: config.adminEmail, password: config.adminPassword });
  // Ingest and the dashboard share the session secret: the dashboard signs people in, ingest checks their cookie.
  // The launcher made the first admin already: ingest is not asked to (an email without a password would stop it).
  const { MEMSIGHT_ADMIN_EMAIL: _email, MEMSIGHT_ADMIN_PASSWORD: _password, ...inherited } = inheritedEnvironment();
  const env = { ...inherited, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: '1', MEMSIGHT_AUTH_SECRET: secret, MEMSIGHT_DASHBOARD_URL: dashboardUrl };
  const tsx = ['--import', 'tsx'];
  services.push(
    // One V8 platform thread, as in the image (infra/ingest.Dockerfile says why).
    startService('ingest', process.execPath, ['--v8-pool-size=1', ...tsx, 'src/server.ts'], {
      cwd: path.join(root, 'services/ingest'),
      env: { ...env, INGEST_HOST: config.host, INGEST_PORT: String(config.ingestPort) },
    }),
    startService('alerter', process.execPath, [...tsx, 'src/server.ts'], {
      cwd: path.join(root, 'services/alerter'),
      env: { ...env, ALERTER_HOST: config.host, ALERTER_PORT: String(config.alerterPort), ALERTER_DASHBOARD_URL: `http://${config.host}:${config.dashboardPort}` },
    }),
  );
  const dashboardDir = path.join(root, 'apps/dashboard');
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  await ensureDashboardBuilt(root, ingestUrl, env, log);
  services.push(
    startService('dashboard', process.execPath, [nextBin, 'start', '-H', config.host, '-p', String(config.dashboardPort)], {
      cwd: dashboardDir,
      env: { ...env, INGEST_URL: ingestUrl },
    }),
  );
  for (const s of services) {
    s.child.once('exit', (code) => {
      if (!stopping) {
        log(`${s.name} exited (code ${code}); stopping the stack`);
        void shutdown(1);
      }
    });
  }
  await waitForHttp(`${ingestUrl}/readyz`, 60_000, (s) => s === 200);
  await waitForHttp(`http://${config.host}:${config.alerterPort}/readyz`, 60_000, (s) => s === 200);
  await waitForHttp(dashboardUrl, 60_000, (s) => s === 200);
  printBanner({ dashboardUrl, ingestUrl, apiKey, agentKey, admin, alertEmail: config.alertEmail, smtp: Boolean(config.smtpUrl) });
} catch (err) {
  log(`could not start: ${(err as Error).message}`);
  await shutdown(1);
}
