// Next bakes its rewrites (the proxy to ingest) into the build, so a build is
// only good for one INGEST_URL and one version of the dashboard's sources.
// The stamp records both; a mismatch means build again.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startService } from './processes';

const SKIP = new Set(['node_modules', '.next', 'e2e']);

function hashTree(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(full, hash);
    else hash.update(full).update(readFileSync(full));
  }
}

export function dashboardBuildStamp(root: string, ingestUrl: string): string {
  const hash = createHash('sha256').update(ingestUrl);
  hashTree(path.join(root, 'apps/dashboard'), hash);
  hashTree(path.join(root, 'packages/contracts/src'), hash);
  return hash.digest('hex');
}

export async function ensureDashboardBuilt(root: string, ingestUrl: string, env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<void> {
  const dir = path.join(root, 'apps/dashboard');
  const stampFile = path.join(dir, '.next/memsight-build-stamp');
  const stamp = dashboardBuildStamp(root, ingestUrl);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  log(`building the dashboard for ingest at ${ingestUrl} (about 20 s)…`);
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  const build = startService('build', process.execPath, [nextBin, 'build'], { cwd: dir, env: { ...env, INGEST_URL: ingestUrl } });
  const code = await new Promise<number>((resolve) => build.child.once('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error('the dashboard build failed; see the lines above');
  writeFileSync(stampFile, stamp);
}
