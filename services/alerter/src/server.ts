import closeWithGrace from 'close-with-grace';
import { startAlerter } from './alerter';
import { ConfigError, loadAlerterConfig, type AlerterConfig } from './config';

let config: AlerterConfig;
try {
  config = loadAlerterConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`memsight alerter: ${err.message}\n`);
  process.exit(1);
}
const alerter = await startAlerter(config);
closeWithGrace({ delay: 10_000 }, async () => alerter.close());
