// Configuration of `npm run demo`: its command line, plus where `npm start`
// keeps its data and serves the dashboard (the stack's own config, read once
// from the environment).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '@memsight/config';
import type { StackConfig } from './stack-config';

export const DEMO_USAGE = `usage: npm run demo -- [--endpoint URL] [--key KEY] [--interval SECONDS] [--only NAME,...] [--golden]

Starts every example app in examples/ with its agent attached to a running
stack (\`npm start\` in another terminal), and makes alerts come within minutes.

  --endpoint URL      ingest and API base URL (default: the stack's, http://127.0.0.1:4100)
  --key KEY           project API key (default: the one npm start keeps in <data dir>/default-api-key)
  --interval SECONDS  agent sampling interval (default 10)
  --only NAMES        start only these examples (comma-separated, e.g. py-cache-leak,node-healthy)
  --golden            post the golden example batches once, and exit
`;

export interface DemoConfig {
  endpoint: string;
  apiKey: string;
  dashboardUrl: string;
  intervalSeconds: number;
  /** Example names to start; undefined: all of them. */
  only: string[] | undefined;
  golden: boolean;
}

/** The demo's config from its arguments and the stack's config; a ConfigError says what is wrong. */
export function loadDemoConfig(args: string[], stack: StackConfig): DemoConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        endpoint: { type: 'string', default: `http://${stack.host}:${stack.ingestPort}` },
        key: { type: 'string' },
        interval: { type: 'string', default: '10' },
        only: { type: 'string' },
        golden: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) return 'help';
  const intervalSeconds = Number(values.interval);
  if (!Number.isFinite(intervalSeconds) || intervalSeconds < 0.1) throw new ConfigError(`--interval ${values.interval}: give seconds, at least 0.1`);
  if (!/^https?:\/\/[^/]+/.test(values.endpoint) || !URL.canParse(values.endpoint)) throw new ConfigError(`--endpoint ${values.endpoint}: give an http(s) URL, e.g. http://127.0.0.1:4100`);
  return {
    endpoint: values.endpoint.replace(/\/+$/, ''),
    apiKey: values.key ?? readDefaultKey(stack.dataDir),
    dashboardUrl: `http://${stack.host}:${stack.dashboardPort}`,
    intervalSeconds,
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    golden: values.golden,
  };
}

function readDefaultKey(dataDir: string): string {
  const file = path.join(dataDir, 'default-api-key');
  if (!existsSync(file)) {
    throw new ConfigError(`no API key: pass --key, or start the stack first (\`npm start\` keeps its key in ${file})`);
  }
  return readFileSync(file, 'utf8').trim();
}
