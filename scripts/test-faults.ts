// `npm run test:faults`: the fault tests (tests/faults/*.faults.ts). Each
// starts its own embedded PostgreSQL and real processes and breaks one thing
// for real, so they run one at a time, apart from `npm test`. Node's test
// runner prints the usual summary; each fault also prints a `# fault ...` line
// of figures. MEMSIGHT_FAULT_OUTAGE_SECONDS shortens the outages (default 60).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
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
const status = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root, env: inheritedEnvironment(), stdio: 'inherit',
}).status;
process.exit(status ?? 1);
