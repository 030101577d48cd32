// Applies the database migrations once and exits: the compose stack's one-shot
// `migrate` service (and a Kubernetes Job) run this before ingest and the
// alerter start. Ingest still migrates at start, which is then a no-op: the
// runner is idempotent and holds an advisory lock, so the two never race.
import pino from 'pino';
import { createPool, migrate, MIGRATIONS_DIR } from '@memsight/db';
import { loadMigrateConfigFromEnvironment } from './config';

const config = loadMigrateConfigFromEnvironment();
const log = pino({ name: 'migrate' });
const pool = createPool(config.databaseUrl, 1);
try {
  const { applied, skipped } = await migrate(pool, MIGRATIONS_DIR);
  log.info({ applied, alreadyApplied: skipped.length }, applied.length ? 'migrations applied' : 'database is up to date');
} catch (err) {
  log.error({ err }, 'migration failed');
  process.exitCode = 1;
} finally {
  await pool.end();
}
