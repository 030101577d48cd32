// The Kubernetes manifests, rendered (base and production overlay) and checked
// without a cluster: every object against the Kubernetes schemas, then what
// checks.ts demands. The mutation cases show that each check can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { renderKustomization, type K8sObject } from './render';
import { copyWithExampleSecrets, manifestProblems } from './checks';

const root = path.resolve(import.meta.dirname, '../..');
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

// kustomize writes long Secret values as base64 in lines of 70; the API server's
// decoder skips the newlines, the schema's "byte" format does not.
const withUnwrappedSecretData = (o: K8sObject) =>
  o.kind === 'Secret' ? { ...o, data: Object.fromEntries(Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, v.replace(/\n/g, '')])) } : o;

const copy = copyWithExampleSecrets();
const render = (dir: string) => renderKustomization(path.join(copy, dir));
const rendered = { base: render('base'), production: render('overlays/production') };
const one = (objects: K8sObject[], kind: string, name: string): any => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name} is rendered`);
  return o;
};

function schemaProblems(objects: K8sObject[]): string[] {
  return objects.flatMap((o) => {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    if (!Model) return [`${o.apiVersion} ${o.kind} has no schema in the test`];
    try {
      new Model(withUnwrappedSecretData(o)).validate();
      return [];
    } catch (err) {
      return [`${o.kind} ${o.metadata.name}: ${(err as Error).message}`];
    }
  });
}

for (const [name, objects] of Object.entries(rendered)) {
  test(`${name}: every object is valid against the Kubernetes schema`, () => {
    assert.deepEqual(schemaProblems(objects), []);
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    assert.equal(new Set(names).size, names.length, 'no two objects share a kind and name');
  });
}

test('the schema check catches a malformed object', () => {
  const objects: any[] = render('overlays/production');
  objects.find((o) => o.kind === 'Deployment').spec.replicas = 'two';
  objects.find((o) => o.kind === 'Service').spec.ports[0].port = '4100';
  assert.equal(schemaProblems(objects).length, 2, schemaProblems(objects).join('\n'));
});

test('base: probes, limits, non-root pods, references, routing, scaling and the migration all check out', () => {
  // The base leaves the Secret to the overlay (or to whoever creates it).
  assert.deepEqual(manifestProblems(rendered.base, { externalSecrets: ['memsight-secrets'] }), []);
});

test('production: the same checks, with every reference resolved inside the render', () => {
  assert.deepEqual(manifestProblems(rendered.production), []);
});

test('production: namespace, image tags, replicas, resources and config come from the overlay', () => {
  const objects = rendered.production;
  assert.ok(objects.every((o) => o.metadata.namespace === 'memsight'), 'everything lands in the memsight namespace');
  for (const name of ['ingest', 'alerter', 'dashboard']) assert.match(one(objects, 'Deployment', name).spec.template.spec.containers[0].image, new RegExp(`^memsight/${name}:\\d`));
  assert.equal(one(objects, 'Deployment', 'alerter').spec.replicas, 2);
  assert.equal(one(objects, 'Deployment', 'dashboard').spec.replicas, 3);
  assert.equal(one(objects, 'HorizontalPodAutoscaler', 'ingest').spec.minReplicas, 3);
  assert.equal(one(objects, 'Deployment', 'ingest').spec.template.spec.containers[0].resources.limits.memory, '1Gi');
  const ingestConfig = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ingest-config-')) as any;
  assert.equal(ingestConfig.data.INGEST_HOST, '0.0.0.0', 'the base values survive the merge');
  assert.equal(ingestConfig.data.MEMSIGHT_DASHBOARD_URL, 'https://memsight.example.com');
  // HPA maxReplicas × pool must leave PostgreSQL's default 100 connections room for the rest.
  assert.ok(one(objects, 'HorizontalPodAutoscaler', 'ingest').spec.maxReplicas * Number(ingestConfig.data.INGEST_DB_POOL_SIZE) <= 80);
});

test('ingest: sticky sessions for socket.io on the Service the dashboard proxies to, none for agents', () => {
  const objects = rendered.production;
  assert.equal(one(objects, 'Service', 'ingest').spec.sessionAffinity, 'ClientIP');
  assert.equal(one(objects, 'Service', 'ingest').spec.ports[0].port, 4100, 'the dashboard image proxies to http://ingest:4100');
  assert.equal(one(objects, 'Service', 'ingest-agents').spec.sessionAffinity, undefined);
  assert.equal(one(objects, 'Ingress', 'dashboard').metadata.annotations['nginx.ingress.kubernetes.io/affinity'], 'cookie');
});

test('the probed paths are the ones the services serve', () => {
  const ingestHealth = readFileSync(path.join(root, 'services/ingest/src/routes/health/routes.ts'), 'utf8');
  const alerter = readFileSync(path.join(root, 'services/alerter/src/alerter.ts'), 'utf8');
  for (const route of ['/livez', '/readyz']) {
    assert.ok(ingestHealth.includes(`'${route}'`), `ingest serves ${route}`);
    assert.ok(alerter.includes(`req.url === '${route}'`), `the alerter serves ${route}`);
  }
  // A standby must stay Ready while it waits for the lock: /readyz may only check the database.
  const readyz = alerter.slice(alerter.indexOf("req.url === '/readyz'"), alerter.indexOf("req.url === '/status'"));
  assert.doesNotMatch(readyz, /lease\.leading\s*\?|if \(!?lease\.leading/, 'the alerter\'s readiness does not depend on leading');
});

test('the migrate Job runs the ingest image\'s entry point for migrations, the way its CMD runs the server', () => {
  const dockerfile = readFileSync(path.join(root, 'infra/ingest.Dockerfile'), 'utf8');
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  assert.ok(cmd.some((arg) => /server\.(ts|js)$/.test(arg)), `ingest.Dockerfile's CMD starts the server: ${cmd.join(' ')}`);
  const job = one(rendered.production, 'Job', 'migrate');
  assert.deepEqual(job.spec.template.spec.containers[0].command, cmd.map((arg) => arg.replace(/server\.(ts|js)$/, 'migrate.$1')));
  assert.ok(existsSync(path.join(root, 'services/ingest/src/migrate.ts')), 'ingest has a one-shot migrate entry point');
});

const MUTATIONS: [string, (objects: any[]) => void, RegExp][] = [
  ['no liveness probe', (o) => delete dep(o, 'ingest').livenessProbe, /ingest container ingest has no livenessProbe/],
  ['readiness on the wrong path', (o) => (dep(o, 'alerter').readinessProbe.httpGet.path = '/healthz'), /alerter readinessProbe asks \/healthz/],
  ['a probe on a port the container lacks', (o) => (dep(o, 'dashboard').livenessProbe.httpGet.port = 8080), /dashboard livenessProbe port 8080/],
  ['no memory limit', (o) => delete dep(o, 'alerter').resources.limits.memory, /alerter has no memory limit/],
  ['a heap as large as the limit', (o) => (dep(o, 'ingest').env.find((e: any) => e.name === 'NODE_OPTIONS').value = '--max-old-space-size=1024'), /heap limit is not below/],
  ['root allowed', (o) => (pod(o, 'ingest').securityContext.runAsNonRoot = false), /ingest is not runAsNonRoot/],
  ['a writable root filesystem', (o) => (dep(o, 'dashboard').securityContext.readOnlyRootFilesystem = false), /writable root filesystem/],
  ['a variable the service does not read', (o) => dep(o, 'alerter').env.push({ name: 'INGEST_PORT', value: '1' }), /sets INGEST_PORT, which it does not read/],
  ['ingest on loopback', (o) => (o.find((x) => x.metadata.name.startsWith('ingest-config-')).data.INGEST_HOST = '127.0.0.1'), /INGEST_HOST must be 0.0.0.0/],
  ['a Service selecting nothing', (o) => (byName(o, 'Service', 'alerter').spec.selector = { 'app.kubernetes.io/name': 'alerter2' }), /Service alerter selects no/],
  ['an HPA on a missing Deployment', (o) => (byName(o, 'HorizontalPodAutoscaler', 'ingest').spec.scaleTargetRef.name = 'ingester'), /scales Deployment ingester/],
  ['a PDB selecting nothing', (o) => (byName(o, 'PodDisruptionBudget', 'alerter').spec.selector.matchLabels = { app: 'x' }), /alerter selects no|alerter has no PodDisruptionBudget/],
  ['a ConfigMap that is not rendered', (o) => (dep(o, 'dashboard').envFrom[0].configMapRef.name = 'dashboard-config'), /refers to ConfigMap dashboard-config, which is not rendered/],
  ['a Secret key that is missing', (o) => (dep(o, 'ingest').env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.key = 'DB_URL'), /needs key DB_URL/],
  ['a single alerter', (o) => (byName(o, 'Deployment', 'alerter').spec.replicas = 1), /without a standby/],
  ['replicas under an HPA', (o) => (byName(o, 'Deployment', 'ingest').spec.replicas = 3), /sets replicas, which every apply would reset/],
  ['a migration from another release', (o) => (containerOf(byName(o, 'Job', 'migrate')).image = 'memsight/ingest:0.0.9'), /the migrate Job runs memsight\/ingest:0.0.9/],
  ['an Ingress to a missing Service', (o) => (byName(o, 'Ingress', 'dashboard').spec.rules[0].http.paths[0].backend.service.name = 'web'), /routes to Service web/],
];

const byName = (objects: any[], kind: string, name: string) => objects.find((x) => x.kind === kind && x.metadata.name === name);
const pod = (objects: any[], name: string) => byName(objects, 'Deployment', name).spec.template.spec;
const containerOf = (o: any) => o.spec.template.spec.containers[0];
const dep = (objects: any[], name: string) => containerOf(byName(objects, 'Deployment', name));

for (const [what, mutate, expected] of MUTATIONS) {
  test(`the checks catch ${what}`, () => {
    const objects = render('overlays/production');
    mutate(objects);
    const problems = manifestProblems(objects);
    assert.ok(problems.some((p) => expected.test(p)), `expected ${expected}, got:\n${problems.join('\n')}`);
  });
}
