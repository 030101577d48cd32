// `npm test`: every test in the repository, against a real PostgreSQL.
// With DATABASE_URL set it uses that server; without it, it starts a throwaway
// embedded PostgreSQL (the fresh-machine path CI proves on every run).
// It migrates once, builds the Node agent, then runs Node's test runner over every *.test.ts file
// but the fault suites `npm run test:faults` runs (lib/fault-suites.ts)
// (the browser test builds the dashboard through the real `npm start`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPool, migrate, startEmbeddedPostgres, MIGRATIONS_DIR, type RunningPostgres } from '@memsight/db';
import { FAULT_SUITES } from './lib/fault-suites';
import { freePort } from './lib/free-port';
import { inheritedEnvironment } from './lib/stack-config';

const root = path.resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', '.next', '.git', '.memsight', 'generated', 'dist']);

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : findTests(path.join(dir, e.name));
    return e.name.endsWith('.test.ts') ? [path.relative(root, path.join(dir, e.name))] : [];
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  return spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;
}

let embedded: RunningPostgres | undefined;
let databaseUrl = inheritedEnvironment().DATABASE_URL;
if (!databaseUrl) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'memsight-test-pg-'));
  embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, fast: true });
  databaseUrl = embedded.url;
  console.log(`test database: embedded PostgreSQL at ${databaseUrl}`);
}

let status = 1;
try {
  const pool = createPool(databaseUrl, 1);
  await migrate(pool, MIGRATIONS_DIR);
  await pool.end();
  const env = { ...inheritedEnvironment(), DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: '1' };
  // Node agent tests run the built agent in real processes (`node --import @memsight/agent/register`).
  if (run('npm', ['run', 'build', '-w', '@memsight/agent'], env) !== 0) throw new Error('building agents/node failed');
  const filter = process.argv.slice(2);
  const files = findTests(root).filter((f) => (filter.length === 0 ? !FAULT_SUITES.includes(f) : filter.some((x) => f.includes(x))));
  status = run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], env);
} finally {
  await embedded?.stop();
}
process.exit(status);
