import closeWithGrace from 'close-with-grace';
import { startAlerter } from './alerter';
import { loadAlerterConfigFromEnvironment } from './config';

const config = loadAlerterConfigFromEnvironment();
const alerter = await startAlerter(config);
closeWithGrace({ delay: 10_000 }, async () => alerter.close());
