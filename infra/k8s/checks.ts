// What the tests demand of a rendered memsight deployment, beyond the
// Kubernetes schemas: probes on the paths and ports the services serve, memory
// limits, non-root pods, references that resolve, and the alerter's standby.
// Each check returns the problems it found, so a test can show that it fails.
import { cpSync, mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INGEST_ENV } from '../../services/ingest/src/config';
import { ALERTER_ENV } from '../../services/alerter/src/config';
import { DASHBOARD_ENV } from '../../apps/dashboard/lib/server-config';
import { containersOf as containersIn, type K8sObject } from './render';

type Json = Record<string, any>;
const containersOf = (o: K8sObject) => containersIn(o) as Json[];

/** Variables read by Node itself rather than by memsight's config. */
const RUNTIME_ENV = ['NODE_OPTIONS'];

export interface Workload { kind: 'Deployment' | 'Job'; env: readonly string[]; required: string[]; port?: number; live?: string; ready?: string; host?: string; portVar?: string }

export const WORKLOADS: Record<string, Workload> = {
  ingest: { kind: 'Deployment', env: Object.keys(INGEST_ENV), required: ['DATABASE_URL', 'MEMSIGHT_AUTH_SECRET'], port: 4100, live: '/livez', ready: '/readyz', host: 'INGEST_HOST', portVar: 'INGEST_PORT' },
  alerter: { kind: 'Deployment', env: Object.keys(ALERTER_ENV), required: ['DATABASE_URL'], port: 4200, live: '/livez', ready: '/readyz', host: 'ALERTER_HOST', portVar: 'ALERTER_PORT' },
  // The dashboard serves no health routes yet; `/` renders without a session or the database.
  dashboard: { kind: 'Deployment', env: Object.keys(DASHBOARD_ENV), required: ['DATABASE_URL', 'MEMSIGHT_AUTH_SECRET'], port: 3000, live: '/livez', ready: '/readyz' },
  migrate: { kind: 'Job', env: ['DATABASE_URL'], required: ['DATABASE_URL'] },
};

/** infra/k8s copied to a temp directory, every secrets.env made from its .example (a real one is never read). */
export function copyWithExampleSecrets(): string {
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'memsight-k8s-')), 'k8s');
  cpSync(import.meta.dirname, copy, { recursive: true, filter: (src) => path.basename(src) !== 'secrets.env' });
  for (const overlay of readdirSync(path.join(copy, 'overlays'))) {
    const dir = path.join(copy, 'overlays', overlay);
    writeFileSync(path.join(dir, 'secrets.env'), readFileSync(path.join(dir, 'secrets.env.example')));
  }
  return copy;
}

const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const podSpec = (o: K8sObject): Json => (o.spec as Json)?.template?.spec ?? {};
const podLabels = (o: K8sObject): Record<string, string> => (o.spec as Json)?.template?.metadata?.labels ?? {};
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Bytes in a Kubernetes quantity such as 512Mi or 1Gi. */
export function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return NaN;
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

/** The environment a container ends up with: its env, plus the data of the ConfigMaps it loads whole. */
function environmentOf(objects: K8sObject[], c: Json): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const from of c.envFrom ?? []) {
    const cm = from.configMapRef && find(objects, 'ConfigMap', from.configMapRef.name);
    for (const [k, v] of Object.entries<string>((cm?.data as Json) ?? {})) env.set(k, v);
  }
  for (const e of c.env ?? []) env.set(e.name, e.value);
  return env;
}

function probeProblems(where: string, c: Json, w: Workload): string[] {
  const problems: string[] = [];
  const ports: Json[] = c.ports ?? [];
  if (!ports.some((p) => p.containerPort === w.port)) problems.push(`${where} does not expose containerPort ${w.port}`);
  const resolve = (port: unknown) => (typeof port === 'number' ? ports.find((p) => p.containerPort === port) : ports.find((p) => p.name === port))?.containerPort;
  for (const [probe, want] of [['livenessProbe', w.live], ['readinessProbe', w.ready], ['startupProbe', w.live]] as const) {
    const get = c[probe]?.httpGet;
    if (!get) {
      if (probe !== 'startupProbe') problems.push(`${where} has no ${probe} httpGet`);
      continue;
    }
    if (get.path !== want) problems.push(`${where} ${probe} asks ${get.path}, the service serves ${want}`);
    if (resolve(get.port) !== w.port) problems.push(`${where} ${probe} port ${get.port} is not containerPort ${w.port}`);
  }
  return problems;
}

function containerProblems(objects: K8sObject[], o: K8sObject, w: Workload): string[] {
  const problems: string[] = [];
  const pod = podSpec(o);
  for (const c of containersOf(o)) {
    const where = `${o.kind} ${o.metadata.name} container ${c.name}`;
    if (w.port) problems.push(...probeProblems(where, c, w));
    const { requests = {}, limits = {} } = c.resources ?? {};
    if (!limits.memory) problems.push(`${where} has no memory limit`);
    if (!requests.memory || !requests.cpu) problems.push(`${where} lacks cpu or memory requests`);
    if (quantityBytes(requests.memory ?? '0') > quantityBytes(limits.memory ?? '0')) problems.push(`${where} requests more memory than its limit`);
    const sc = { ...pod.securityContext, ...c.securityContext };
    if (sc.runAsNonRoot !== true) problems.push(`${where} is not runAsNonRoot`);
    if (!Number.isInteger(sc.runAsUser) || sc.runAsUser === 0) problems.push(`${where} has no numeric non-root runAsUser (the image's USER is a name)`);
    if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${where} allows privilege escalation`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${where} has a writable root filesystem`);

    const env = environmentOf(objects, c);
    for (const name of env.keys()) if (!w.env.includes(name) && !RUNTIME_ENV.includes(name)) problems.push(`${where} sets ${name}, which it does not read`);
    for (const name of w.required) if (!env.has(name)) problems.push(`${where} lacks ${name}`);
    if (w.host && env.get(w.host) !== '0.0.0.0') problems.push(`${where}: ${w.host} must be 0.0.0.0 to be reachable`);
    if (w.portVar && Number(env.get(w.portVar)) !== w.port) problems.push(`${where}: ${w.portVar} is not ${w.port}`);
    const heap = /--max-old-space-size=(\d+)/.exec(env.get('NODE_OPTIONS') ?? '');
    if (heap && Number(heap[1]) * 2 ** 20 >= quantityBytes(limits.memory ?? '0')) problems.push(`${where}: the heap limit is not below the memory limit`);
  }
  return problems;
}

function referenceProblems(objects: K8sObject[], externalSecrets: string[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    for (const c of containersOf(o)) {
      const where = `${o.kind} ${o.metadata.name} container ${c.name}`;
      const refs: [string, Json, boolean][] = [
        ...(c.envFrom ?? []).flatMap((e: Json) => [e.configMapRef && ['ConfigMap', e.configMapRef, false], e.secretRef && ['Secret', e.secretRef, false]]),
        ...(c.env ?? []).flatMap((e: Json) => [e.valueFrom?.configMapKeyRef && ['ConfigMap', e.valueFrom.configMapKeyRef, true], e.valueFrom?.secretKeyRef && ['Secret', e.valueFrom.secretKeyRef, true]]),
      ].filter(Boolean);
      for (const [kind, ref, keyed] of refs) {
        const target = find(objects, kind, ref.name);
        if (!target) {
          if (!(kind === 'Secret' && externalSecrets.includes(ref.name)) && !ref.optional) problems.push(`${where} refers to ${kind} ${ref.name}, which is not rendered`);
          continue;
        }
        if (target.metadata.namespace !== o.metadata.namespace) problems.push(`${where} refers to ${kind} ${ref.name} in another namespace`);
        if (keyed && !ref.optional && !((target.data as Json) ?? {})[ref.key]) problems.push(`${where} needs key ${ref.key} of ${kind} ${ref.name}, which it lacks`);
      }
    }
  }
  return problems;
}

function routingProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const spec = svc.spec as Json;
    const targets = deployments.filter((d) => d.metadata.namespace === svc.metadata.namespace && selects(spec.selector, podLabels(d)));
    if (!targets.length) problems.push(`Service ${svc.metadata.name} selects no Deployment's pods`);
    for (const port of spec.ports ?? []) {
      const named = targets.some((d) => containersOf(d).some((c) => (c.ports as Json[] ?? []).some((p) => p.name === port.targetPort || p.containerPort === port.targetPort)));
      if (targets.length && !named) problems.push(`Service ${svc.metadata.name} port ${port.name} targets ${port.targetPort}, which no selected container has`);
    }
  }
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of (ing.spec as Json).rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const { name, port } = p.backend.service;
        const svc = find(objects, 'Service', name);
        if (!svc) problems.push(`Ingress ${ing.metadata.name} routes to Service ${name}, which is not rendered`);
        else if (!((svc.spec as Json).ports ?? []).some((sp: Json) => sp.name === port.name || sp.port === port.number)) problems.push(`Ingress ${ing.metadata.name} routes to a port Service ${name} lacks`);
      }
    }
  }
  return problems;
}

function scalingProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const spec = hpa.spec as Json;
    const target = find(objects, spec.scaleTargetRef.kind, spec.scaleTargetRef.name);
    if (spec.scaleTargetRef.kind !== 'Deployment' || !target) {
      problems.push(`HPA ${hpa.metadata.name} scales ${spec.scaleTargetRef.kind} ${spec.scaleTargetRef.name}, which is not rendered`);
      continue;
    }
    if ((target.spec as Json).replicas !== undefined) problems.push(`Deployment ${target.metadata.name} sets replicas, which every apply would reset under its HPA`);
    if (!(spec.minReplicas >= 2)) problems.push(`HPA ${hpa.metadata.name} allows fewer than 2 replicas`);
    if (!containersOf(target).every((c) => c.resources?.requests?.cpu)) problems.push(`HPA ${hpa.metadata.name}: CPU utilisation needs cpu requests on every container`);
  }
  if (!find(objects, 'HorizontalPodAutoscaler', 'ingest')) problems.push('ingest has no HorizontalPodAutoscaler');
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const selector = (pdb.spec as Json).selector?.matchLabels;
    if (!objects.some((d) => d.kind === 'Deployment' && selects(selector, podLabels(d)))) problems.push(`PodDisruptionBudget ${pdb.metadata.name} selects no Deployment's pods`);
  }
  for (const name of ['ingest', 'alerter']) {
    const d = find(objects, 'Deployment', name);
    const covered = d && objects.some((p) => p.kind === 'PodDisruptionBudget' && selects((p.spec as Json).selector?.matchLabels, podLabels(d)));
    if (!covered) problems.push(`${name} has no PodDisruptionBudget`);
  }
  const alerter = find(objects, 'Deployment', 'alerter');
  if (!(((alerter?.spec as Json)?.replicas ?? 1) >= 2)) problems.push('the alerter runs without a standby (replicas < 2)');
  return problems;
}

function migrationProblems(objects: K8sObject[]): string[] {
  const job = find(objects, 'Job', 'migrate');
  const ingest = find(objects, 'Deployment', 'ingest');
  if (!job || !ingest) return ['the migrate Job or the ingest Deployment is missing'];
  const problems: string[] = [];
  const [jobImage, ingestImage] = [containersOf(job)[0]?.image, containersOf(ingest)[0]?.image];
  if (jobImage !== ingestImage) problems.push(`the migrate Job runs ${jobImage}, ingest runs ${ingestImage}`);
  if (!['OnFailure', 'Never'].includes(podSpec(job).restartPolicy)) problems.push('the migrate Job must restart OnFailure or Never');
  return problems;
}

/** Every problem with a rendered deployment; `externalSecrets` may be referred to without being rendered. */
export function manifestProblems(objects: K8sObject[], { externalSecrets = [] as string[] } = {}): string[] {
  const problems: string[] = [];
  for (const [name, w] of Object.entries(WORKLOADS)) {
    const o = find(objects, w.kind, name);
    if (!o) problems.push(`${w.kind} ${name} is not rendered`);
    else problems.push(...containerProblems(objects, o, w));
  }
  for (const o of objects) {
    if ((o.kind === 'Deployment' || o.kind === 'Job') && !WORKLOADS[o.metadata.name]) problems.push(`${o.kind} ${o.metadata.name} is not one the checks know`);
  }
  return [...problems, ...referenceProblems(objects, externalSecrets), ...routingProblems(objects), ...scalingProblems(objects), ...migrationProblems(objects)];
}
