// The node_modules a compiled service needs at run time: the packages its
// bundle imports and everything they depend on, found in package-lock.json the
// way Node resolves them. `npm ci --omit=dev` would install every workspace's
// tree (the dashboard's Next.js, Prisma's CLI as a peer: about 800 MB), while
// ingest's bundle reaches a fraction of it.
import { isBuiltin } from 'node:module';

export interface LockPackage {
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
export interface Lockfile {
  packages: Record<string, LockPackage>;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`; builtins → undefined. */
export function packageNameOf(specifier: string): string | undefined {
  if (isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The lockfile path Node would load `name` from when required inside `from` (a lockfile path or a workspace folder). */
function resolveIn(lock: Lockfile, name: string, from: string): string | undefined {
  for (let dir = from; ; ) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    // Up one package (node_modules/a/node_modules/b → node_modules/a); a workspace folder goes to the root.
    const up = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '');
    dir = up === dir ? '' : up;
  }
}

/**
 * Lockfile paths (`node_modules/pino`, `node_modules/a/node_modules/b`) of the
 * packages `names` resolve to from `workspace`, with their dependencies,
 * optional dependencies (absent platforms are skipped when copying) and
 * required peers. Workspace links are left out: their code is in the bundle.
 */
export function runtimeClosure(lock: Lockfile, names: readonly string[], workspace: string): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string, required: boolean) => {
    const at = resolveIn(lock, name, from);
    if (!at) {
      if (required) throw new Error(`${name} (needed from ${from || 'the root'}) is not in package-lock.json`);
      return;
    }
    const entry = lock.packages[at]!;
    if (entry.link || found.has(at)) return;
    found.add(at);
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(dep, at, true);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(dep, at, false);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[dep]?.optional) visit(dep, at, false);
    }
  };
  for (const name of names) visit(name, workspace, true);
  return [...found].sort();
}
