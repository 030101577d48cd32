// What the tests demand of docker-compose.yml and the Dockerfiles, checked
// statically (these machines have no Docker engine). Each check returns the
// problems it found, so a test can show that it fails.
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { INGEST_ENV } from '../services/ingest/src/config';
import { ALERTER_ENV } from '../services/alerter/src/config';
import { DASHBOARD_ENV } from '../apps/dashboard/lib/server-config';
import { SERVICE_ENTRIES } from '../scripts/build-service';

type Json = Record<string, any>;
export const ROOT = path.resolve(import.meta.dirname, '..');

export interface AppService { dockerfile: string; port: number; env: readonly string[]; workdir: string }

export const APP_SERVICES: Record<'ingest' | 'alerter' | 'dashboard', AppService> = {
  ingest: { dockerfile: 'infra/ingest.Dockerfile', port: 4100, env: Object.keys(INGEST_ENV), workdir: 'services/ingest' },
  alerter: { dockerfile: 'infra/alerter.Dockerfile', port: 4200, env: Object.keys(ALERTER_ENV), workdir: 'services/alerter' },
  dashboard: { dockerfile: 'infra/dashboard.Dockerfile', port: 3000, env: ['INGEST_URL', ...Object.keys(DASHBOARD_ENV)], workdir: 'apps/dashboard' },
};

/** Settings that are credentials: never a literal in the compose file, only NAME_FILE from a secret. */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|DATABASE_URL|SMTP_URL/;
const CREDENTIALS_IN_URL = /:\/\/[^/\s:@]+:[^/\s@]+@/;
const PINNED_TAG = /^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*(@sha256:[a-f0-9]{64})?$|^[\w./-]+@sha256:[a-f0-9]{64}$/;
// PostgreSQL numbers its releases major.minor (15.14 is a full version).
const PINNED_POSTGRES = /^postgres:\d+\.\d+[\w.-]*(@sha256:[a-f0-9]{64})?$/;
const pinned = (image: string) => PINNED_TAG.test(image) || PINNED_POSTGRES.test(image);

const isOneShot = (svc: Json) => svc.restart === 'no' && svc.healthcheck?.disable === true;

export function composeProblems(compose: Json): string[] {
  const problems: string[] = [];
  const services: Record<string, Json> = compose.services ?? {};
  const declared: Record<string, Json> = compose.secrets ?? {};
  for (const [name, svc] of Object.entries(services)) {
    if (!svc.image && !svc.build) problems.push(`${name} has neither an image nor a build`);
    if (!svc.build && !pinned(svc.image ?? '')) problems.push(`${name} image ${svc.image} is not pinned to a full version or digest`);
    if (!isOneShot(svc) && !(Array.isArray(svc.healthcheck?.test) && svc.healthcheck.test.length > 1)) problems.push(`${name} has no healthcheck`);
    for (const [dep, cond] of Object.entries<Json>(svc.depends_on ?? {})) {
      const target = services[dep];
      if (!target) problems.push(`${name} depends on unknown service ${dep}`);
      else if (target.profiles && !svc.profiles) problems.push(`${name} depends on ${dep}, which runs only with --profile ${target.profiles.join(',')}`);
      else if (isOneShot(target) ? cond?.condition !== 'service_completed_successfully' : cond?.condition !== 'service_healthy') {
        problems.push(`${name} waits for ${dep} with ${cond?.condition ?? 'no condition'}, not ${isOneShot(target) ? 'service_completed_successfully' : 'service_healthy'}`);
      }
    }
    const mounted: string[] = svc.secrets ?? [];
    for (const s of mounted) if (!declared[s]) problems.push(`${name} mounts secret ${s}, which is not declared`);
    for (const [key, value] of Object.entries<unknown>(svc.environment ?? {})) {
      if (SECRET_NAME.test(key) && !key.endsWith('_FILE')) problems.push(`${name} sets ${key} inline; give ${key}_FILE from a secret`);
      if (CREDENTIALS_IN_URL.test(String(value))) problems.push(`${name} ${key} holds a URL with credentials`);
      if (key.endsWith('_FILE')) {
        const secret = /^\/run\/secrets\/([\w.-]+)$/.exec(String(value))?.[1];
        if (!secret || !mounted.includes(secret)) problems.push(`${name} ${key}=${value} is not one of its mounted secrets`);
      }
    }
  }
  for (const [name, secret] of Object.entries(declared)) {
    if (typeof secret?.file !== 'string' || !secret.file.startsWith('./secrets/')) problems.push(`secret ${name} is not a file under ./secrets/`);
  }
  const pg = services.postgres;
  const volume = (pg?.volumes ?? []).map(String).find((v: string) => v.endsWith(':/var/lib/postgresql/data'))?.split(':')[0];
  if (!volume || !(volume in (compose.volumes ?? {}))) problems.push('postgres keeps its data in no named volume');
  if (pg?.environment?.POSTGRES_PASSWORD_FILE !== '/run/secrets/postgres_password') problems.push('postgres takes no POSTGRES_PASSWORD_FILE');
  return problems;
}

export interface Stage { from: string; alias?: string; lines: string[] }

/** A Dockerfile's stages, continuation lines joined, comments dropped. */
export function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, alias: from[2], lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

/** Every workspace's package.json, as the deps stage must copy them for `npm ci`. */
export function workspaceManifests(workspaces: string[]): string[] {
  return workspaces.flatMap((w) => {
    if (!w.endsWith('/*')) return [`${w}/package.json`];
    const dir = w.slice(0, -2);
    return readdirSync(path.join(ROOT, dir)).map((d) => `${dir}/${d}/package.json`).filter((p) => existsSync(path.join(ROOT, p)));
  }).sort();
}

export function dockerfileProblems(name: keyof typeof APP_SERVICES, text: string, manifests: string[]): string[] {
  const problems: string[] = [];
  const spec = APP_SERVICES[name];
  const stages = stagesOf(text);
  if (stages.length < 2) problems.push(`${name}: one stage; build and runtime must be separate`);
  stages.forEach((stage, i) => {
    const earlier = stages.slice(0, i).some((s) => s.alias === stage.from);
    if (!earlier && !PINNED_TAG.test(stage.from)) problems.push(`${name}: FROM ${stage.from} is not pinned to a full version or digest`);
  });
  // The dependency layer: manifests and npm ci before any source arrives.
  const all = stages.flatMap((s) => s.lines);
  const firstSourceCopy = all.findIndex((l) => /^COPY\s+\.\s+\./.test(l));
  const firstInstall = all.findIndex((l) => /^RUN\b.*\bnpm ci\b/.test(l));
  if (firstInstall < 0 || (firstSourceCopy >= 0 && firstInstall > firstSourceCopy)) problems.push(`${name}: npm ci does not run before the sources are copied, so every change reinstalls`);
  const copied = new Set(all.slice(0, firstInstall).flatMap((l) => (/^COPY\s+(?!--)(.+)\s+\S+$/.exec(l)?.[1] ?? '').split(/\s+/)));
  for (const m of ['package-lock.json', ...manifests]) {
    if (!copied.has(m) && !(m === 'package.json' && copied.has('package.json'))) problems.push(`${name}: the deps stage does not copy ${m}`);
  }
  const final = stages.at(-1)?.lines ?? [];
  if (final.some((l) => /^COPY\s+(?!--from)/.test(l))) problems.push(`${name}: the runtime stage copies from the build context, not from a build stage`);
  const user = final.filter((l) => /^USER\s/.test(l)).at(-1)?.split(/\s+/)[1];
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push(`${name}: the runtime stage runs as root`);
  if (!final.some((l) => /^HEALTHCHECK\s+.*CMD/.test(l))) problems.push(`${name}: the runtime stage has no HEALTHCHECK`);
  if (!final.includes(`EXPOSE ${spec.port}`)) problems.push(`${name}: the runtime stage does not expose ${spec.port}`);
  const workdir = final.filter((l) => /^WORKDIR\s/.test(l)).at(-1)?.split(/\s+/)[1];
  if (workdir !== `/app/${spec.workdir}`) problems.push(`${name}: the runtime stage works in ${workdir}, not /app/${spec.workdir}`);
  const cmdLine = final.filter((l) => /^CMD\s/.test(l)).at(-1);
  let cmd: string[] = [];
  try {
    cmd = JSON.parse(cmdLine?.slice(4) ?? '');
  } catch {
    problems.push(`${name}: CMD is not in exec form`);
  }
  if (cmd.length) problems.push(...commandProblems(name, cmd));
  return problems;
}

/** A production command: node on compiled JavaScript, no TypeScript loader. */
export function commandProblems(name: string, cmd: string[]): string[] {
  const problems: string[] = [];
  if (cmd[0] !== 'node') problems.push(`${name}: the command starts ${cmd[0]}, not node`);
  if (cmd.some((a) => /tsx|--import|--loader|\.ts$/.test(a))) problems.push(`${name}: the command runs TypeScript through a loader: ${cmd.join(' ')}`);
  const script = cmd.slice(1).find((a) => !a.startsWith('-'));
  const built = Object.values(SERVICE_ENTRIES).flatMap((e) => Object.values<string>(e).map((f) => `dist/${f}`));
  const ok = script && (name === 'dashboard' ? /node_modules\/next\/dist\/bin\/next$/.test(script) : built.includes(script));
  if (!ok) problems.push(`${name}: the command runs ${script}, not a compiled entry point`);
  return problems;
}
