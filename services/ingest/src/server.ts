// Starts ingest: config from the environment, listen, close gracefully.
import closeWithGrace from 'close-with-grace';
import { createPool, migrate, MIGRATIONS_DIR } from '@memsight/db';
import { buildIngest } from './build';
import { ConfigError, loadIngestConfigFromEnvironment } from './config';
import { bootstrapFirstAdmin } from './lib/first-admin';

const config = loadIngestConfigFromEnvironment();
// Migrations are idempotent and serialised by an advisory lock, so every
// ingest replica can run them at start; the first one does the work.
const migrationPool = createPool(config.databaseUrl, 1);
await migrate(migrationPool, MIGRATIONS_DIR);
let firstAdmin: Awaited<ReturnType<typeof bootstrapFirstAdmin>> = null;
try {
  firstAdmin = await bootstrapFirstAdmin(migrationPool, config);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
} finally {
  await migrationPool.end();
}

const app = await buildIngest({ config });
if (firstAdmin) app.log.info({ email: firstAdmin.email, created: firstAdmin.created }, 'first admin of the default project');
closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'closing after error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});
await app.listen({ host: config.host, port: config.port });
