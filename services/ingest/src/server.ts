// Starts ingest: config from the environment, listen, close gracefully.
import closeWithGrace from 'close-with-grace';
import { buildIngest } from './build';
import { ConfigError, loadIngestConfig, type IngestConfig } from './config';

let config: IngestConfig;
try {
  config = loadIngestConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`memsight ingest: ${err.message}\n`);
  process.exit(1);
}
const app = await buildIngest({ config });
closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'closing after error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});
await app.listen({ host: config.host, port: config.port });
