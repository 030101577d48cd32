// The public API: start() and stop(). Importing this module does nothing;
// start() samples in the background and never throws into the host.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Agent } from './agent.js';
import { loadConfig, type AgentOptions, type LoadedConfig } from './config.js';
import { Log } from './log.js';

export type { AgentOptions } from './config.js';
export { Agent } from './agent.js';

const EXIT_DEADLINE_MS = 2000;
let agent: Agent | undefined;
let stopping: Promise<void> | undefined;
let hooksInstalled = false;

/**
 * Starts the agent once per process (later calls return the same agent), or
 * returns undefined when disabled or misconfigured. Only the main thread runs
 * one: process memory is process-wide, and worker threads are reported by it.
 */
export function start(options: AgentOptions = {}): Agent | undefined {
  try {
    if (agent) return agent;
    if (!isMainThread()) return undefined;
    const warnings: string[] = [];
    const config = loadConfig(options, undefined, (m) => warnings.push(m));
    const log = new Log(config.logLevel);
    for (const w of warnings) log.log('warning', w);
    if (config.disabled) return undefined;
    agent = new Agent(config, log);
    agent.start();
    stopping = undefined;
    if (!hooksInstalled) installExitHooks();
    return agent;
  } catch (err) {
    try {
      process.stderr.write(`memsight ERROR: could not start: ${err}\n`);
    } catch {
      // nowhere left to say it
    }
    return undefined;
  }
}

/** Stops sampling and sends what is buffered, within `deadlineMs`. */
export function stop(deadlineMs = EXIT_DEADLINE_MS): Promise<void> {
  if (!agent) return Promise.resolve();
  stopping ??= agent.stop(deadlineMs).catch(() => {});
  agent = undefined;
  return stopping;
}

/**
 * Whether this is the process's main thread, without loading worker_threads
 * (0.3 MB of RSS in a host that does not use it). In a worker thread Node
 * replaces process.abort(), which workers may not call, by a stub of this
 * name; a test in a real worker checks it still does.
 */
export function isMainThread(): boolean {
  return process.abort.name !== 'unavailableInWorker';
}

function installExitHooks(): void {
  hooksInstalled = true;
  // The event loop ran dry: a last asynchronous flush (its socket holds the loop until it ends).
  process.on('beforeExit', () => void stop());
  // process.exit(): no more turns of the loop, so the unsent batches go to a child sender.
  process.on('exit', () => {
    const current = agent;
    if (!current || stopping) return;
    agent = undefined;
    try {
      const bodies = current.finalBodies();
      if (bodies.length) sendSync(current.config, bodies);
    } catch {
      // the host is exiting: nothing of ours may change how
    }
  });
}

function sendSync(config: LoadedConfig, bodies: Buffer[]): void {
  const input = Buffer.concat(bodies.flatMap((b) => [lengthPrefix(b.length), b]));
  const sender = fileURLToPath(new URL('./exit-sender.js', import.meta.url));
  // Loaded here, at exit, not at start: the host may never load child_process.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  spawnSync(process.execPath, [sender, config.endpoint, config.apiKey, String(EXIT_DEADLINE_MS)], {
    input, env: config.senderEnv, timeout: EXIT_DEADLINE_MS, stdio: ['pipe', 'ignore', 'ignore'],
  });
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
