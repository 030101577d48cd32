// A private embedded PostgreSQL that a fault test may break for real: stop it
// (fast shutdown, as a crash-restart or failover looks to clients), hang it
// (SIGSTOP on the postmaster and every backend: a frozen VM, a stuck disk), or
// throttle it (a stop/continue duty cycle). Never the shared server: only the
// processes whose parent is this cluster's postmaster are signalled.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPool, migrate, startEmbeddedPostgres, MIGRATIONS_DIR, type RunningPostgres } from '@memsight/db';
import { freePort } from '../../../scripts/lib/free-port';

export class FaultPostgres {
  url = '';
  private running: RunningPostgres | undefined;
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'memsight-faults-pg-'));
  private port = 0;
  private throttle: NodeJS.Timeout | undefined;
  readonly log: string[] = [];

  async start(): Promise<this> {
    this.port ||= await freePort();
    // persistent: the data directory outlives a stop, so a restart finds every committed row.
    this.running = await startEmbeddedPostgres({
      dataDir: this.dataDir, port: this.port, persistent: true, fast: true,
      onLog: (line) => this.log.push(line.slice(0, 300)),
    });
    this.url = this.running.url;
    return this;
  }

  async migrate(): Promise<void> {
    const pool = createPool(this.url, 1);
    await migrate(pool, MIGRATIONS_DIR);
    await pool.end();
  }

  /** The postmaster's pid, from its pid file. */
  postmasterPid(): number {
    return Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** The postmaster and its children (backends, checkpointer, walwriter ...). */
  private processes(): number[] {
    const master = this.postmasterPid();
    const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === master;
      } catch {
        return false;
      }
    });
    return [master, ...children];
  }

  /** Fast shutdown (SIGINT): sessions are ended with 57P01, as in a restart. Resolves once the postmaster is gone. */
  async stop(): Promise<void> {
    const pid = this.postmasterPid();
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 300 && alive(pid); i++) await sleep(100);
    if (alive(pid)) throw new Error(`postmaster ${pid} did not stop`);
  }

  async restart(): Promise<void> {
    await this.start();
  }

  hang(): void {
    for (const pid of this.processes()) signal(pid, 'SIGSTOP');
  }

  resume(): void {
    clearInterval(this.throttle);
    this.throttle = undefined;
    for (const pid of this.processes()) signal(pid, 'SIGCONT');
  }

  /** Runnable `runMs` of every `runMs + stopMs`: a server far slower than needed, but never down. */
  slowDown(runMs: number, stopMs: number): void {
    let stopped = false;
    const flip = () => {
      stopped = !stopped;
      for (const pid of this.processes()) signal(pid, stopped ? 'SIGSTOP' : 'SIGCONT');
      this.throttle = setTimeout(flip, stopped ? stopMs : runMs);
    };
    this.throttle = setTimeout(flip, runMs);
  }

  async close(): Promise<void> {
    try {
      this.resume();
    } catch {
      // already stopped
    }
    await this.running?.stop().catch(() => {});
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // a backend that ended meanwhile
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
