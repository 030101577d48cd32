// Real processes for the end-to-end tests (the alerter's e2e, sharding, the compiled build, faults): ingest and the alerter started the
// way production starts them (`src/server.ts`), and example apps under their
// real agents. Output is kept, not printed, and shown when a test fails.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inheritedEnvironment } from './stack-config';

const ROOT = path.resolve(import.meta.dirname, '../..');

export class Proc {
  child: ChildProcess | undefined;
  output = '';

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly opts: { cwd: string; env: NodeJS.ProcessEnv },
  ) {}

  start(): this {
    const child = spawn(this.command, this.args, { cwd: this.opts.cwd, env: this.opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c: Buffer) => {
      this.output = (this.output + c.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.child = child;
    return this;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: a crash, with no chance to finish anything. */
  async crash(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM', 10_000);
  }

  private async signal(signal: NodeJS.Signals, graceMs = 0): Promise<void> {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    const timer = graceMs ? setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), graceMs) : undefined;
    await exited;
    clearTimeout(timer);
  }

  tail(lines = 40): string {
    return `--- ${this.name} ---\n${this.output.split('\n').slice(-lines).join('\n')}`;
  }
}

export function service(name: 'ingest' | 'alerter', env: NodeJS.ProcessEnv): Proc {
  return new Proc(name, process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: path.join(ROOT, 'services', name), env: { ...inheritedEnvironment(), ...env } });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { until } from './until';
