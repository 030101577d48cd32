// docker-compose.yml and the Dockerfiles, checked statically (no Docker engine
// here): every service's build, image, environment, healthcheck and
// depends_on, and that each environment variable is one the service reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { INGEST_ENV } from '../services/ingest/src/config';
import { ALERTER_ENV } from '../services/alerter/src/config';
import { DASHBOARD_ENV } from '../apps/dashboard/lib/server-config';

const root = path.resolve(import.meta.dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services: Record<string, any> = compose.services;

const APP_SERVICES: Record<string, { dockerfile: string; port: number; env: readonly string[] }> = {
  ingest: { dockerfile: 'infra/ingest.Dockerfile', port: 4100, env: Object.keys(INGEST_ENV) },
  alerter: { dockerfile: 'infra/alerter.Dockerfile', port: 4200, env: Object.keys(ALERTER_ENV) },
  dashboard: { dockerfile: 'infra/dashboard.Dockerfile', port: 3000, env: ['INGEST_URL', ...Object.keys(DASHBOARD_ENV)] },
};

test('the stack has postgres, ingest, alerter, dashboard and a mail catcher', () => {
  assert.deepEqual(Object.keys(services).sort(), ['alerter', 'dashboard', 'ingest', 'mailpit', 'postgres']);
});

test('every service has an image or a build, and a healthcheck', () => {
  for (const [name, svc] of Object.entries(services)) {
    assert.ok(svc.image || svc.build, `${name} has an image or a build`);
    assert.ok(Array.isArray(svc.healthcheck?.test) && svc.healthcheck.test.length > 1, `${name} has a healthcheck`);
  }
  assert.match(services.postgres.image, /^postgres:15/);
  assert.match(services.postgres.healthcheck.test.join(' '), /pg_isready/);
});

test('app services build their Dockerfile from the repository root and read only known variables', () => {
  for (const [name, spec] of Object.entries(APP_SERVICES)) {
    const svc = services[name];
    assert.equal(svc.build.context, '.', name);
    assert.equal(svc.build.dockerfile, spec.dockerfile, name);
    assert.ok(existsSync(path.join(root, spec.dockerfile)), `${spec.dockerfile} exists`);
    for (const key of Object.keys(svc.environment ?? {})) {
      assert.ok(spec.env.includes(key), `${name} sets ${key}, which it does not read`);
    }
    assert.match(svc.healthcheck.test.join(' '), new RegExp(`127\\.0\\.0\\.1:${spec.port}/`), `${name} healthcheck probes its port`);
  }
  for (const name of ['ingest', 'alerter', 'dashboard']) {
    assert.equal(services[name].environment.DATABASE_URL, 'postgresql://memsight:memsight@postgres:5432/memsight');
    const pg = services.postgres.environment;
    assert.ok(services[name].environment.DATABASE_URL.includes(`${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`));
  }
  assert.equal(services.dashboard.build.args.INGEST_URL, services.dashboard.environment.INGEST_URL);
  assert.equal(services.ingest.environment.MEMSIGHT_AUTH_SECRET, services.dashboard.environment.MEMSIGHT_AUTH_SECRET, 'ingest and the dashboard share the session secret');
});

test('depends_on names real services and waits for health where there is one', () => {
  for (const [name, svc] of Object.entries(services)) {
    for (const [dep, cond] of Object.entries<any>(svc.depends_on ?? {})) {
      assert.ok(services[dep], `${name} depends on unknown service ${dep}`);
      assert.equal(cond.condition, 'service_healthy', `${name} waits for ${dep} to be healthy`);
      assert.ok(services[dep].healthcheck, `${dep} has the healthcheck ${name} waits for`);
    }
  }
  assert.ok(services.ingest.depends_on.postgres);
  assert.ok(services.alerter.depends_on.postgres);
  assert.ok(services.dashboard.depends_on.ingest);
});

test('each Dockerfile is complete: base image, install, port, healthcheck, non-root command', () => {
  for (const [name, spec] of Object.entries(APP_SERVICES)) {
    const text = readFileSync(path.join(root, spec.dockerfile), 'utf8');
    assert.match(text, /^FROM node:20\.\d+-bookworm-slim/m, `${name}: Node 20 base image`);
    assert.match(text, /RUN npm ci/, `${name}: installs from the lockfile`);
    assert.match(text, new RegExp(`^EXPOSE ${spec.port}$`, 'm'), `${name}: exposes ${spec.port}`);
    assert.match(text, /^HEALTHCHECK /m, `${name}: healthcheck`);
    assert.match(text, /^USER node$/m, `${name}: runs as non-root`);
    assert.match(text, /^CMD \[/m, `${name}: exec-form CMD`);
    for (const [, dir] of text.matchAll(/^WORKDIR \/app\/(\S+)$/gm)) {
      assert.ok(existsSync(path.join(root, dir!)), `${name}: WORKDIR ${dir} exists in the repository`);
    }
  }
  assert.ok(existsSync(path.join(root, 'package-lock.json')), 'npm ci needs the lockfile');
  // resvg draws the email chart's text with a system font, and node:*-slim ships none.
  assert.match(readFileSync(path.join(root, APP_SERVICES.alerter.dockerfile), 'utf8'), /apt-get install[^\n]*fonts-dejavu-core/, 'alerter: a font for the email charts');
  const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8');
  assert.match(ignore, /node_modules/);
});
