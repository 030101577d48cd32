// The real `npm start` for the browser tests and the dashboard benchmark: no
// DATABASE_URL (its own embedded PostgreSQL, as on a fresh machine), free
// ports, a new data directory; what its banner printed; and Ctrl-C to stop it.
// Next bakes the ingest URL into its build, so the ports are chosen first and
// the build made for them before the launcher starts (its own check then finds
// the build current): a first build on a loaded 2-core machine takes minutes,
// and only the launch itself is held to a deadline.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDashboardBuilt } from '../../../scripts/lib/dashboard-build';
import { freePort } from '../../../scripts/lib/free-port';
import { inheritedEnvironment } from '../../../scripts/lib/stack-config';

export interface RunningStack {
  stack: ChildProcess;
  stdout: string;
  dashboardUrl: string;
  admin: { email: string; password: string };
  ingestUrl: string;
  apiKey: string;
  pgPort: number;
}

export async function startStack(root: string, log: (m: string) => void = () => {}): Promise<RunningStack> {
  const [ingestPort, alerterPort, dashboardPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const { DATABASE_URL: _unused, ...env } = inheritedEnvironment();
  await ensureDashboardBuilt(root, `http://127.0.0.1:${ingestPort}`, { ...env, NEXT_TELEMETRY_DISABLED: '1' }, log);
  const stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: {
      ...env,
      MEMSIGHT_DATA_DIR: path.join(mkdtempSync(path.join(tmpdir(), 'memsight-stack-')), 'not-yet-created'),
      MEMSIGHT_EMBEDDED_PG_PORT: String(pgPort),
      INGEST_PORT: String(ingestPort),
      ALERTER_PORT: String(alerterPort),
      DASHBOARD_PORT: String(dashboardPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  stack.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  stack.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 120_000;
  while (!stdout.includes('Press Ctrl-C') && Date.now() < deadline && stack.exitCode === null) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(stdout, /Press Ctrl-C/, `the launcher printed its banner; its log:\n${stderr.slice(-4000)}`);
  const signIn = /Sign in:\s+(\S+) \/ (\S+)/.exec(stdout)!;
  return {
    stack,
    stdout,
    dashboardUrl: /Dashboard:\s+(\S+)/.exec(stdout)![1]!,
    admin: { email: signIn[1]!, password: signIn[2]! },
    ingestUrl: /Ingest:\s+(\S+)\/v1\/ingest/.exec(stdout)![1]!,
    apiKey: /API key:\s+(\S+)/.exec(stdout)![1]!,
    pgPort,
  };
}

/** Ctrl-C first, so the launcher stops its children (PostgreSQL included): a SIGKILL alone would orphan them. */
export async function stopStack(stack: ChildProcess | undefined): Promise<void> {
  if (!stack || stack.exitCode !== null) return;
  const exited = new Promise((resolve) => stack.once('exit', resolve));
  stack.kill('SIGINT');
  const timer = setTimeout(() => stack.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
