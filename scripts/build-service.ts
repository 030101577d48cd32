// Compiles a service to plain JavaScript for production (`node dist/server.js`,
// no TypeScript loader): `npm run build -w services/<name>`, or every service
// with `npm run build:services`. Workspace packages (@memsight/*) export their
// TypeScript sources, so they are bundled in; third-party packages stay in
// node_modules, where native bindings (resvg, pg's optional one) and Prisma's
// runtime files are found as usual.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { packageNameOf } from './lib/runtime-packages';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Written beside the bundles: the third-party packages they import, for stage-service.ts. */
export const EXTERNALS_FILE = 'external-packages.json';

/** Entry points of each service, source → file in dist/. */
export const SERVICE_ENTRIES = {
  ingest: {
    'src/server.ts': 'server.js',
    'src/migrate.ts': 'migrate.js',
    // decode-pool.ts starts its threads from `new URL('./worker-entry.mjs', import.meta.url)`,
    // which in the bundle is dist/server.js's directory; compiled, the worker needs no loader.
    'src/decode/worker.ts': 'worker-entry.mjs',
  },
  alerter: { 'src/server.ts': 'server.js' },
} as const satisfies Record<string, Record<string, string>>;
export type ServiceName = keyof typeof SERVICE_ENTRIES;

// Bare imports other than @memsight/* are left to Node's resolver at run time.
const thirdPartyExternal: Plugin = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@memsight/') ? undefined : { path: args.path, external: true }));
  },
};

export async function buildService(name: ServiceName): Promise<string> {
  const serviceDir = path.join(ROOT, 'services', name);
  const outdir = path.join(serviceDir, 'dist');
  rmSync(outdir, { recursive: true, force: true });
  const common: BuildOptions = {
    absWorkingDir: serviceDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    plugins: [thirdPartyExternal],
    // Stack traces name the TypeScript lines when run with --enable-source-maps.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    metafile: true,
  };
  const externals = new Set<string>();
  // One build per entry: each is one self-contained file (no shared chunks to keep
  // in step), and paths taken from import.meta.url (MIGRATIONS_DIR, the worker)
  // resolve from dist/ — services/<name>/dist sits as deep as packages/db/src.
  for (const [entry, outFile] of Object.entries<string>(SERVICE_ENTRIES[name])) {
    const { metafile } = await build({ ...common, entryPoints: [entry], outfile: path.join(outdir, outFile) });
    for (const output of Object.values(metafile!.outputs)) {
      for (const imported of output.imports) {
        const name = imported.external ? packageNameOf(imported.path) : undefined;
        if (name) externals.add(name);
      }
    }
  }
  mkdirSync(outdir, { recursive: true });
  writeFileSync(path.join(outdir, EXTERNALS_FILE), `${JSON.stringify([...externals].sort(), null, 2)}\n`);
  return outdir;
}

if (import.meta.filename === process.argv[1]) {
  const names = process.argv.slice(2);
  for (const name of names) {
    if (!(name in SERVICE_ENTRIES)) throw new Error(`unknown service ${name}; one of ${Object.keys(SERVICE_ENTRIES).join(', ')}`);
    await buildService(name as ServiceName);
  }
}
