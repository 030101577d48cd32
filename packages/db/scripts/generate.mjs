// Runs `prisma generate` for the schema in /prisma.
// The Prisma CLI insists on a schema-engine binary even though `generate` never
// runs it; where the download is blocked (offline machines, CI sandboxes) any
// existing file satisfies the check, so we point it at this script.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate', '--config', path.join(root, 'prisma.config.ts')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
