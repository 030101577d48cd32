// docker-compose.yml and the Dockerfiles, checked statically (no Docker engine
// here) by compose-checks.ts; the last tests break each rule once and expect
// the check to say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { APP_SERVICES, ROOT, commandProblems, composeProblems, dockerfileProblems, workspaceManifests } from './compose-checks';

const load = () => parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const compose = load();
const services: Record<string, any> = compose.services;
const manifests = workspaceManifests(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).workspaces);
const dockerfile = (name: keyof typeof APP_SERVICES) => readFileSync(path.join(ROOT, APP_SERVICES[name].dockerfile), 'utf8');

test('the stack: postgres, a one-shot migrate, ingest, alerter, dashboard, and Mailpit behind the mail profile', () => {
  assert.deepEqual(Object.keys(services).sort(), ['alerter', 'dashboard', 'ingest', 'mailpit', 'migrate', 'postgres']);
  assert.deepEqual(services.mailpit.profiles, ['mail']);
  for (const [name, svc] of Object.entries(services)) if (name !== 'mailpit') assert.equal(svc.profiles, undefined, `${name} starts without a profile`);
  assert.match(services.postgres.image, /^postgres:15\./);
  assert.match(services.postgres.healthcheck.test.join(' '), /pg_isready/);
});

test('docker-compose.yml passes every check', () => {
  assert.deepEqual(composeProblems(compose), []);
});

test('migrate runs the compiled migration runner from the ingest image, once, before the services', () => {
  const { migrate, ingest, alerter } = services;
  assert.deepEqual(migrate.build, ingest.build);
  assert.equal(migrate.image, ingest.image);
  assert.deepEqual(commandProblems('migrate', migrate.command), []);
  assert.deepEqual(migrate.command, ['node', 'dist/migrate.js']);
  assert.equal(migrate.depends_on.postgres.condition, 'service_healthy');
  for (const svc of [ingest, alerter]) assert.equal(svc.depends_on.migrate.condition, 'service_completed_successfully');
  assert.equal(services.dashboard.depends_on.ingest.condition, 'service_healthy');
});

test('app services build their Dockerfile from the repository root and read only known variables', () => {
  for (const [name, spec] of Object.entries(APP_SERVICES)) {
    const svc = services[name];
    assert.equal(svc.build.context, '.', name);
    assert.equal(svc.build.dockerfile, spec.dockerfile, name);
    for (const key of Object.keys(svc.environment ?? {})) {
      assert.ok(spec.env.includes(key.replace(/_FILE$/, '')), `${name} sets ${key}, which it does not read`);
    }
    assert.match(svc.healthcheck.test.join(' '), new RegExp(`127\\.0\\.0\\.1:${spec.port}/`), `${name} healthcheck probes its port`);
  }
  assert.equal(services.dashboard.build.args.INGEST_URL, services.dashboard.environment.INGEST_URL);
});

test('secrets: one database URL for all, one session secret for ingest and the dashboard, files git never tracks', () => {
  for (const name of ['migrate', 'ingest', 'alerter', 'dashboard']) assert.equal(services[name].environment.DATABASE_URL_FILE, '/run/secrets/database_url', name);
  for (const name of ['ingest', 'dashboard']) assert.equal(services[name].environment.MEMSIGHT_AUTH_SECRET_FILE, '/run/secrets/auth_secret', name);
  assert.equal(services.ingest.environment.MEMSIGHT_ADMIN_PASSWORD_FILE, '/run/secrets/admin_password');
  assert.equal(services.alerter.environment.ALERTER_SMTP_URL_FILE, '/run/secrets/smtp_url');
  const used = new Set(Object.values(services).flatMap((s) => s.secrets ?? []));
  const files = Object.entries<any>(compose.secrets).map(([name, s]) => (assert.ok(used.has(name), `secret ${name} is used`), s.file));
  const ignored = execFileSync('git', ['check-ignore', ...files], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(ignored.sort(), [...files].sort(), 'git ignores every secret file');
  assert.match(readFileSync(path.join(ROOT, 'secrets/README.md'), 'utf8'), /openssl rand/);
  assert.match(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'), /^secrets$/m, 'secrets stay out of the build context');
});

test('each Dockerfile passes every check', () => {
  for (const name of Object.keys(APP_SERVICES) as (keyof typeof APP_SERVICES)[]) assert.deepEqual(dockerfileProblems(name, dockerfile(name), manifests), [], name);
  // resvg draws the email chart's text with a system font, and node:*-slim ships none.
  assert.match(dockerfile('alerter').split(/^FROM /m).at(-1)!, /apt-get install[^\n]*fonts-dejavu-core/, 'alerter: a font in the runtime stage');
  for (const name of ['ingest', 'alerter'] as const) {
    assert.match(dockerfile(name).replace(/\\\n\s*/g, ' '), new RegExp(`npm run build -w @memsight/${name}\\s+&& node --import tsx scripts/stage-service\\.ts ${name} /stage`), `${name}: compiled and staged`);
  }
  assert.match(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'), /^node_modules$/m);
});

const COMPOSE_MUTATIONS: [string, (c: any) => void, RegExp][] = [
  ['a service without a healthcheck', (c) => delete c.services.alerter.healthcheck, /alerter has no healthcheck/],
  ['a bare depends_on', (c) => (c.services.ingest.depends_on.postgres = {}), /ingest waits for postgres with no condition, not service_healthy/],
  ['waiting for migrate to be healthy', (c) => (c.services.alerter.depends_on.migrate.condition = 'service_healthy'), /not service_completed_successfully/],
  ['an unknown dependency', (c) => (c.services.dashboard.depends_on.web = { condition: 'service_healthy' }), /dashboard depends on unknown service web/],
  ['a hard dependency on the optional mail catcher', (c) => (c.services.alerter.depends_on.mailpit = { condition: 'service_healthy' }), /depends on mailpit, which runs only with --profile mail/],
  ['an inline password', (c) => (c.services.ingest.environment.MEMSIGHT_ADMIN_PASSWORD = 'hunter2hunter2'), /ingest sets MEMSIGHT_ADMIN_PASSWORD inline/],
  ['an inline database URL', (c) => (c.services.alerter.environment.DATABASE_URL = 'postgresql://postgres:5432/memsight'), /alerter sets DATABASE_URL inline/],
  ['credentials in any URL', (c) => (c.services.dashboard.environment.INGEST_URL = 'http://admin:pw@ingest:4100'), /dashboard INGEST_URL holds a URL with credentials/],
  ['a _FILE outside the mounted secrets', (c) => (c.services.dashboard.environment.MEMSIGHT_AUTH_SECRET_FILE = '/run/secrets/admin_password'), /is not one of its mounted secrets/],
  ['a secret given inline', (c) => (c.secrets.auth_secret = { environment: 'MEMSIGHT_AUTH_SECRET' }), /secret auth_secret is not a file under .\/secrets\//],
  ['postgres without a volume', (c) => (c.services.postgres.volumes = []), /postgres keeps its data in no named volume/],
  ['postgres with an inline password', (c) => (delete c.services.postgres.environment.POSTGRES_PASSWORD_FILE, (c.services.postgres.environment.POSTGRES_PASSWORD = 'memsight')), /postgres sets POSTGRES_PASSWORD inline/],
  ['a floating image tag', (c) => (c.services.mailpit.image = 'axllent/mailpit:latest'), /mailpit image axllent\/mailpit:latest is not pinned/],
  ['a major-only PostgreSQL', (c) => (c.services.postgres.image = 'postgres:15-bookworm'), /postgres image postgres:15-bookworm is not pinned/],
];

test('each compose check fails when its rule is broken', () => {
  for (const [what, mutate, expected] of COMPOSE_MUTATIONS) {
    const c = load();
    mutate(c);
    const problems = composeProblems(c);
    assert.ok(problems.some((p) => expected.test(p)), `${what}: expected ${expected}, got ${JSON.stringify(problems)}`);
  }
});

const DOCKERFILE_MUTATIONS: [string, (text: string) => string, RegExp][] = [
  ['one stage', (t) => `FROM node:20.20.2-bookworm-slim\n${t.replace(/^FROM .*$/gm, '')}`, /one stage/],
  ['a floating base image', (t) => t.replace(/^FROM node:20\.20\.2-bookworm-slim AS runtime/m, 'FROM node:20-bookworm-slim AS runtime'), /FROM node:20-bookworm-slim is not pinned/],
  ['sources before npm ci', (t) => t.replace(/^COPY package\.json package-lock\.json \.\/$/m, 'COPY . .'), /npm ci does not run before the sources/],
  ['a workspace manifest missing from the deps stage', (t) => t.replace(/^COPY packages\/db\/package\.json .*$/m, ''), /does not copy packages\/db\/package\.json/],
  ['the runtime stage as root', (t) => t.replace(/^USER node$/m, 'USER root'), /runs as root/],
  ['no runtime HEALTHCHECK', (t) => t.replace(/^HEALTHCHECK [\s\S]*?^  CMD .*$/m, ''), /no HEALTHCHECK/],
  ['TypeScript at run time', (t) => t.replace(/^CMD \[.*$/m, 'CMD ["node", "--import", "tsx", "src/server.ts"]'), /runs TypeScript through a loader/],
  ['a shell-form CMD', (t) => t.replace(/^CMD \[.*$/m, 'CMD node dist/server.js'), /CMD is not in exec form/],
  ['an entry point the build does not make', (t) => t.replace(/^CMD \[.*$/m, 'CMD ["node", "dist/main.js"]'), /runs dist\/main.js, not a compiled entry point/],
  ['sources copied into the runtime', (t) => `${t}\nCOPY . .\n`, /runtime stage copies from the build context/],
];

test('each Dockerfile check fails when its rule is broken', () => {
  for (const [what, mutate, expected] of DOCKERFILE_MUTATIONS) {
    const text = mutate(dockerfile('ingest'));
    const problems = dockerfileProblems('ingest', text, manifests);
    assert.ok(problems.some((p) => expected.test(p)), `${what}: expected ${expected}, got ${JSON.stringify(problems)}`);
  }
});
