// Runs a real Node program with the built agent attached the no-code-change
// way (`node --import @memsight/agent/register`), as the tests' hosts.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const AGENT_DIR = path.resolve(import.meta.dirname, '../..');

export interface Ran { code: number | null; stdout: string; stderr: string }

/** Runs `file` (or `code`, written to a temporary .mjs) with the agent, env merged over this process's. */
export function runWithAgent(program: { file?: string; code?: string }, env: NodeJS.ProcessEnv, opts: { attach?: boolean; nodeArgs?: string[]; args?: string[]; cwd?: string; timeoutMs?: number } = {}): Promise<Ran> {
  let file = program.file;
  if (!file) {
    // Inside the package, so that the host can `import '@memsight/agent'` as an app would.
    mkdirSync(path.join(AGENT_DIR, '.test-hosts'), { recursive: true });
    file = path.join(mkdtempSync(path.join(AGENT_DIR, '.test-hosts', 'host-')), 'host.mjs');
    writeFileSync(file, program.code ?? '');
  }
  const args = [...(opts.nodeArgs ?? []), ...(opts.attach === false ? [] : ['--import', '@memsight/agent/register']), file, ...(opts.args ?? [])];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: opts.cwd ?? AGENT_DIR, env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      if (!program.file) rmSync(path.dirname(file), { recursive: true, force: true });
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** Agent settings for a fast test run. */
export const fast = (endpoint: string, app: string, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  MEMSIGHT_ENDPOINT: endpoint,
  MEMSIGHT_API_KEY: 'msk_test',
  MEMSIGHT_APP: app,
  MEMSIGHT_INTERVAL: '0.1',
  MEMSIGHT_FLUSH_INTERVAL: '0.2',
  MEMSIGHT_SLOW_INTERVAL: '0.3',
  ...more,
});
