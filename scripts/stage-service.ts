// Lays out a compiled service as its image runs it, under one folder:
//   <dest>/services/<name>/{package.json,dist/}   the bundles (run from here)
//   <dest>/node_modules/…                        only the packages they import, and theirs
//   <dest>/prisma/migrations                      ingest's, for MIGRATIONS_DIR
// `tsx scripts/stage-service.ts <name> <dest> [--link]`, after `npm run build -w
// services/<name>`. The Dockerfiles copy <dest> into their runtime stage;
// --link hard-links instead of copying, for the test that runs a staged tree.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { EXTERNALS_FILE, SERVICE_ENTRIES, type ServiceName } from './build-service';
import { runtimeClosure, type Lockfile } from './lib/runtime-packages';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Repository paths a service reads at run time, besides its bundles. */
const RUNTIME_FILES: Record<ServiceName, string[]> = {
  ingest: ['prisma/migrations'],
  alerter: [],
};

/** Copies (or hard-links) a tree; a package's own node_modules are separate lockfile entries, staged only if needed. */
function copyTree(from: string, to: string, link: boolean): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [src, dst] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') copyTree(src, dst, link);
    } else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (link) linkSync(src, dst);
    else copyFileSync(src, dst);
  }
}

export function stageService(name: ServiceName, dest: string, link = false): string[] {
  const dist = path.join(ROOT, 'services', name, 'dist');
  const externalsFile = path.join(dist, EXTERNALS_FILE);
  if (!existsSync(externalsFile)) throw new Error(`${externalsFile} is missing: run npm run build -w services/${name} first`);
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const externals = JSON.parse(readFileSync(externalsFile, 'utf8')) as string[];
  // Optional packages for other platforms are in the lockfile but not on disk.
  const packages = runtimeClosure(lock, externals, `services/${name}`).filter((p) => existsSync(path.join(ROOT, p)));
  for (const p of packages) copyTree(path.join(ROOT, p), path.join(dest, p), link);
  copyTree(dist, path.join(dest, 'services', name, 'dist'), link);
  // "type": "module" there makes dist/*.js ES modules.
  copyFileSync(path.join(ROOT, 'services', name, 'package.json'), path.join(dest, 'services', name, 'package.json'));
  for (const p of RUNTIME_FILES[name]) copyTree(path.join(ROOT, p), path.join(dest, p), link);
  return packages;
}

if (import.meta.filename === process.argv[1]) {
  const [name, dest, flag] = process.argv.slice(2);
  if (!name || !(name in SERVICE_ENTRIES) || !dest) throw new Error('usage: stage-service.ts <ingest|alerter> <dest> [--link]');
  const packages = stageService(name as ServiceName, path.resolve(dest), flag === '--link');
  process.stdout.write(`staged ${name} with ${packages.length} packages in ${dest}\n`);
}
