// The production artifacts, run the way the images run them: `npm run
// build:services`, each service staged alone outside the repository (its
// bundles and only the node_modules stage-service.ts picks, as the runtime
// image holds), then plain `node dist/*.js` with no TypeScript loader: the
// one-shot migration against a fresh database (its URL from a
// DATABASE_URL_FILE secret), then ingest and the alerter until /readyz.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createPool, listMigrations, MIGRATIONS_DIR } from '@memsight/db';
import { testDatabaseUrl } from '@memsight/db/testing';
import { Proc, waitForHttp } from '../scripts/lib/proc';
import { freePort } from '../scripts/lib/free-port';
import { inheritedEnvironment } from '../scripts/lib/stack-config';
import { stageService } from '../scripts/stage-service';

/** This process's environment without the test database or a loader a parent may have set. */
function productionEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, NODE_OPTIONS: _options, ...rest } = inheritedEnvironment();
  return { ...rest, LOG_LEVEL: 'info', ...extra };
}

function compiled(stage: string, service: 'ingest' | 'alerter', env: NodeJS.ProcessEnv): Proc {
  return new Proc(service, process.execPath, ['--enable-source-maps', 'dist/server.js'], { cwd: path.join(stage, 'services', service), env: productionEnv(env) });
}

test('the compiled services migrate a fresh database, start without tsx and report ready', { timeout: 60_000 }, async (t) => {
  const build = spawnSync('npm', ['run', 'build:services'], { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' });
  assert.equal(build.status, 0, `npm run build:services failed:\n${build.stdout}\n${build.stderr}`);
  // Outside the repository, so nothing resolves from its node_modules; hard links keep it quick.
  const stages = mkdtempSync(path.join(tmpdir(), 'memsight-stage-'));
  t.after(() => rmSync(stages, { recursive: true, force: true }));
  const [ingestStage, alerterStage] = [path.join(stages, 'ingest'), path.join(stages, 'alerter')];
  stageService('ingest', ingestStage, true);
  stageService('alerter', alerterStage, true);

  // A database of its own: nothing migrated yet, and the alerter's leader lock is per database.
  const base = new URL(testDatabaseUrl());
  const name = `memsight_compiled_${randomUUID().slice(0, 8)}`;
  const admin = createPool(base.toString(), 1);
  // `name` is a fixed prefix and a UUID, never input; identifiers cannot be parameters.
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  const secrets = mkdtempSync(path.join(tmpdir(), 'memsight-secrets-'));
  const procs: Proc[] = [];
  t.after(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    rmSync(secrets, { recursive: true, force: true });
  });

  writeFileSync(path.join(secrets, 'database_url'), `${url}\n`);
  const migrate = spawnSync(process.execPath, ['dist/migrate.js'], {
    cwd: path.join(ingestStage, 'services', 'ingest'),
    env: productionEnv({ DATABASE_URL_FILE: path.join(secrets, 'database_url') }),
    encoding: 'utf8',
  });
  assert.equal(migrate.status, 0, `dist/migrate.js failed:\n${migrate.stdout}\n${migrate.stderr}`);
  const db = createPool(url, 1);
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
  await db.end();
  assert.equal(rows[0]!.n, listMigrations(MIGRATIONS_DIR).length, 'every migration applied');

  const [ingestPort, alerterPort] = [await freePort(), await freePort()];
  // Two decode threads: ingest starts them at boot, from dist/worker-entry.mjs.
  const ingest = compiled(ingestStage, 'ingest', { DATABASE_URL: url, INGEST_HOST: '127.0.0.1', INGEST_PORT: String(ingestPort), INGEST_DECODE_WORKERS: '2' });
  const alerter = compiled(alerterStage, 'alerter', { DATABASE_URL: url, ALERTER_HOST: '127.0.0.1', ALERTER_PORT: String(alerterPort) });
  procs.push(ingest.start(), alerter.start());
  try {
    await Promise.all([waitForHttp(`http://127.0.0.1:${ingestPort}/readyz`, 25_000), waitForHttp(`http://127.0.0.1:${alerterPort}/readyz`, 25_000)]);
    // A worker file that fails to load is reported (and respawned) asynchronously.
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(ingest.running && alerter.running, 'both still running');
    assert.doesNotMatch(ingest.output, /decode worker failed/, 'the decode threads loaded');
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${ingest.tail()}\n${alerter.tail()}`);
  }
});
