// `npm run test:faults`: the fault tests (tests/faults/*.faults.ts), then the
// alerter's end-to-end suite for fault 5. Each
// starts its own embedded PostgreSQL and real processes and breaks one thing
// for real, so they run one at a time, apart from `npm test`. Node's test
// runner prints the usual summary; each fault also prints a `# fault ...` line
// of figures. MEMSIGHT_FAULT_OUTAGE_SECONDS shortens the outages (default 60).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FAULT_SUITES } from './lib/fault-suites';
import { inheritedEnvironment } from './lib/stack-config';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'tests', 'faults');
const filter = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.faults.ts'))
  .map((f) => path.relative(root, path.join(dir, f)))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
// The fleet imports the Node agent's sources; the agent's own build is not needed.
// (With no files, `node --test` would look for tests everywhere.)
const status = files.length === 0 ? 0 : spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root, env: inheritedEnvironment(), stdio: 'inherit',
}).status;
// Fault 5, the alerter killed while an alert fires and SMTP down for 60 s, is
// the alerter's end-to-end suite (real agents, ingest, alerter and SMTP
// server): run here, not in a plain `npm test`, through `npm test`'s runner,
// which gives it its database (embedded PostgreSQL when DATABASE_URL is unset).
const suites = FAULT_SUITES.filter((s) => filter.length === 0 || filter.some((x) => s.includes(x)));
const alerter = suites.length
  ? spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/test.ts'), ...suites], { cwd: root, env: inheritedEnvironment(), stdio: 'inherit' }).status
  : 0;
process.exit(status === 0 && alerter === 0 ? 0 : 1);
