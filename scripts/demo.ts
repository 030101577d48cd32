// `npm run demo`: every example app in examples/ started under its real agent
// and attached to a running stack (`npm start` in another terminal), as apps
// `demo-<name>`. Once each app shows up, the demo gives it rules that detect
// within minutes, then prints where to look and every alert of a demo app as
// it changes. Ctrl-C stops the apps (each in its own process group).
// `npm run demo -- --golden` posts the golden example batches once instead.
import path from 'node:path';
import { AppList } from '@memsight/contracts';
import { goldenNames, readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { ConfigError } from '@memsight/config';
import { AlertWatcher } from './lib/demo-alerts';
import { DEMO_USAGE, loadDemoConfig, type DemoConfig } from './lib/demo-config';
import { demoRules, ensureDemoRules } from './lib/demo-rules';
import { EXAMPLES, exampleCommand, type Example } from './lib/examples';
import { MemsightApi } from './lib/memsight-api';
import { startService, stopService, type Service } from './lib/processes';
import { inheritedEnvironment, stackConfigFromEnvironment } from './lib/stack-config';

const root = path.resolve(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`demo     | ${line}\n`);
const say = (lines: string[]) => process.stdout.write(lines.join('\n') + '\n');
const appName = (example: Example) => `demo-${example.name}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function configOrExit(): DemoConfig {
  try {
    const config = loadDemoConfig(process.argv.slice(2), stackConfigFromEnvironment(root));
    if (config !== 'help') return config;
    process.stdout.write(DEMO_USAGE);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n\n${DEMO_USAGE}`);
    process.exit(2);
  }
}

async function postGoldenBatches(config: DemoConfig): Promise<number> {
  let code = 0;
  for (const name of goldenNames('valid')) {
    const batch = rebaseBatch(readGolden('valid', name), Date.now());
    batch.seq = Date.now(); // a new batch each run, so it is not taken for a retry
    const res = await fetch(`${config.endpoint}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.apiKey}` },
      body: JSON.stringify(batch),
    });
    process.stdout.write(`${name}: HTTP ${res.status} ${await res.text()}\n`);
    if (!res.ok) code = 1;
  }
  return code;
}

/** Exits with the reason unless the stack answers and takes the key. */
async function checkStack(api: MemsightApi): Promise<void> {
  const answer = await api.get('/api/apps', AppList);
  if (answer.ok) return;
  if (answer.status === 0) log(`nothing answers at ${api.baseUrl}: start the stack with \`npm start\` in another terminal (or pass --endpoint).`);
  else if (answer.status === 401) log(`the API key was refused at ${api.baseUrl}: pass the key \`npm start\` printed with --key.`);
  else log(`the stack at ${api.baseUrl} did not list its apps: ${answer.message}`);
  process.exit(1);
}

function pickExamples(only: string[] | undefined): Example[] {
  if (!only) return EXAMPLES;
  const unknown = only.filter((name) => !EXAMPLES.some((e) => e.name === name));
  if (unknown.length) {
    log(`no example named ${unknown.join(', ')}; the examples are ${EXAMPLES.map((e) => e.name).join(', ')}`);
    process.exit(2);
  }
  return EXAMPLES.filter((e) => only.includes(e.name));
}

function startExample(example: Example, config: DemoConfig): Service {
  const { command, args, env } = exampleCommand(example);
  return startService(example.name, command, args, {
    cwd: root,
    env: {
      ...inheritedEnvironment(),
      ...env,
      MEMSIGHT_ENDPOINT: config.endpoint,
      MEMSIGHT_API_KEY: config.apiKey,
      MEMSIGHT_APP: appName(example),
      MEMSIGHT_INTERVAL: String(config.intervalSeconds),
      MEMSIGHT_FLUSH_INTERVAL: String(config.intervalSeconds),
      MEMSIGHT_SLOW_INTERVAL: String(Math.max(config.intervalSeconds, 30)), // pymalloc and fd kinds twice a minute, not once
    },
  });
}

/** Gives each example's app the demo's rules once it has reported; returns when every app is done, or there is no rules API. */
async function setUpRules(api: MemsightApi, examples: Example[]): Promise<void> {
  const waiting = new Map(examples.map((e) => [appName(e), e]));
  const since = Date.now();
  let warned = false;
  while (waiting.size) {
    const listed = await api.get('/api/apps', AppList);
    for (const app of listed.ok ? listed.body.apps : []) {
      const example = waiting.get(app.name);
      if (!example) continue;
      const outcome = await ensureDemoRules(api, app.name, demoRules(example, app.id), log);
      if (outcome === 'no-rules-api') {
        log('WARNING: this stack has no rules API yet (GET /api/rules answered 404): the apps run, but alerts take the default rules\' time (~25 min) or do not come at all.');
        return;
      }
      waiting.delete(app.name);
    }
    if (!warned && waiting.size && Date.now() - since > 120_000) {
      log(`still waiting for ${[...waiting.keys()].join(', ')} to report; their agents' lines above say why.`);
      warned = true;
    }
    if (waiting.size) await sleep(3000);
  }
}

const config = configOrExit();
if (config.golden) process.exit(await postGoldenBatches(config));

const api = new MemsightApi(config.endpoint, config.apiKey);
await checkStack(api);
const examples = pickExamples(config.only);
const running = examples.map((e) => startExample(e, config));

let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log('stopping the examples…');
    await Promise.all(running.map((s) => stopService(s, 5000)));
    log('stopped');
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
process.on('exit', () => {
  for (const { child } of running) if (child.exitCode === null && child.signalCode === null && child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL'); // never leave an example behind
    } catch {
      /* already gone */
    }
  }
});
let exited = 0;
for (const s of running) {
  s.child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`${s.name} exited (${signal ?? `code ${code}`})`);
    if (++exited === running.length) void stopAll(1);
  });
}

say([
  '',
  `Started ${examples.length} example apps, reporting to ${config.endpoint} every ${config.intervalSeconds} s. What each should show:`,
  ...examples.map((e) => `  ${appName(e).padEnd(24)}${e.shows}`),
  '',
]);
await setUpRules(api, examples);
const header = `authorization: Bearer ${config.apiKey}`;
say([
  '',
  'Where to look:',
  `  Dashboard:  ${config.dashboardUrl}   (sign in as the admin npm start printed)`,
  `  Alerts:     curl -H '${header}' ${config.endpoint}/api/alerts`,
  `  Emails:     curl -H '${header}' ${config.endpoint}/api/mailbox   (alert emails land here when no SMTP server is configured)`,
  '',
  'Alerts of the demo apps are printed here as they change. Press Ctrl-C to stop the examples.',
  '',
]);
const watcher = new AlertWatcher(api, new Set(examples.map(appName)), log);
for (;;) {
  await watcher.poll();
  await sleep(15_000);
}
