// A kustomize renderer for the subset infra/k8s uses, so the manifests can be
// built and checked on machines without kubectl. Anything outside the subset
// is an error, never silently ignored; where kubectl is installed the tests
// compare this renderer's output with `kubectl kustomize`.
// Usage: tsx infra/k8s/render.ts infra/k8s/overlays/production
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

type Json = Record<string, unknown>;
interface Generator { name: string; behavior?: 'create' | 'merge' | 'replace'; literals?: string[]; envs?: string[]; type?: string }
interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; patch?: string }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'replicas', 'patches', 'configMapGenerator', 'secretGenerator']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
// Strategic-merge keys of the lists the patches touch; other lists are replaced whole.
const MERGE_KEYS: Record<string, string> = { containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath', ports: 'containerPort' };

/** Renders the kustomization in `dir` as `kubectl kustomize dir` would. */
export function renderKustomization(dir: string): K8sObject[] {
  const built = build(path.resolve(dir));
  addHashSuffixes(built.objects, built.generated);
  return built.objects;
}

interface Built { objects: K8sObject[]; generated: Set<K8sObject> }

function build(dir: string): Built {
  const file = path.join(dir, 'kustomization.yaml');
  const k = parse(readFileSync(file, 'utf8')) as Kustomization;
  for (const field of Object.keys(k)) if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${file}: render.ts does not support "${field}"`);

  const objects: K8sObject[] = [];
  const generated = new Set<K8sObject>();
  for (const entry of k.resources ?? []) {
    const target = path.resolve(dir, entry);
    if (statSync(target).isDirectory()) {
      const sub = build(target);
      objects.push(...sub.objects);
      sub.generated.forEach((o) => generated.add(o));
    } else {
      objects.push(...parseAllDocuments(readFileSync(target, 'utf8')).map((d) => d.toJS() as K8sObject).filter(Boolean));
    }
  }
  // Generators run before the transformers, which then reach everything this
  // level holds: its own files, its bases' output and what it generated.
  for (const g of k.configMapGenerator ?? []) generate(objects, generated, configMap(dir, g), g.behavior);
  for (const g of k.secretGenerator ?? []) generate(objects, generated, secret(dir, g), g.behavior);

  for (const p of k.patches ?? []) applyPatch(objects, p.path ? readFileSync(path.resolve(dir, p.path), 'utf8') : p.patch ?? '', dir);
  if (k.namespace) for (const o of objects) o.metadata.namespace = k.namespace;
  for (const l of k.labels ?? []) {
    if (l.includeSelectors) throw new Error(`${file}: render.ts does not support labels.includeSelectors`);
    for (const o of objects) addLabels(o, l.pairs, l.includeTemplates ?? false);
  }
  for (const r of k.replicas ?? []) {
    const matches = objects.filter((o) => o.metadata.name === r.name && WORKLOADS.has(o.kind) && o.kind !== 'Job');
    if (!matches.length) throw new Error(`${file}: replicas names ${r.name}, which is not rendered`);
    for (const o of matches) (o.spec as Json).replicas = r.count;
  }
  for (const image of k.images ?? []) for (const o of objects) for (const c of containersOf(o)) c.image = retag(String(c.image), image);
  return { objects, generated };
}

function generate(objects: K8sObject[], generated: Set<K8sObject>, made: K8sObject, behavior = 'create'): void {
  const existing = objects.find((o) => o.kind === made.kind && o.metadata.name === made.metadata.name && generated.has(o));
  if (behavior === 'create') {
    if (existing) throw new Error(`${made.kind} ${made.metadata.name} is generated twice; use behavior: merge`);
    objects.push(made);
    generated.add(made);
    return;
  }
  if (!existing) throw new Error(`${made.kind} ${made.metadata.name}: behavior ${behavior} needs a base generator of that name`);
  existing.data = behavior === 'merge' ? { ...(existing.data as Json), ...(made.data as Json) } : made.data;
}

function keyValues(dir: string, g: Generator): [string, string][] {
  const lines = [...(g.literals ?? []), ...(g.envs ?? []).flatMap((f) => envFileLines(path.resolve(dir, f)))];
  return lines.map((line) => {
    const at = line.indexOf('=');
    if (at < 1) throw new Error(`generator ${g.name}: "${line}" is not KEY=value`);
    return [line.slice(0, at), line.slice(at + 1)];
  });
}

function envFileLines(file: string): string[] {
  if (!existsSync(file)) throw new Error(`${file} is missing (copy ${path.basename(file)}.example)`);
  return readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

function configMap(dir: string, g: Generator): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data: Object.fromEntries(keyValues(dir, g)) };
}

function secret(dir: string, g: Generator): K8sObject {
  const data = Object.fromEntries(keyValues(dir, g).map(([key, value]) => [key, wrappedBase64(value)]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: g.name }, type: g.type ?? 'Opaque', data };
}

// kustomize breaks base64 of 70 characters or more into lines of 70, each
// ending in a newline (decoders skip them); the name hash covers them too.
function wrappedBase64(value: string): string {
  const encoded = Buffer.from(value).toString('base64');
  if (encoded.length < 70) return encoded;
  return (encoded.match(/.{1,70}/g) ?? []).map((line) => `${line}\n`).join('');
}

function applyPatch(objects: K8sObject[], text: string, dir: string): void {
  const patch = parse(text) as K8sObject;
  if (!patch?.kind || !patch.metadata?.name) throw new Error(`${dir}: render.ts supports only strategic-merge patches that name their kind and object`);
  const target = objects.find((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
  if (!target) throw new Error(`${dir}: the patch for ${patch.kind} ${patch.metadata.name} matches nothing`);
  mergeStrategic(target, patch);
}

/** Strategic merge: maps merge, null deletes, keyed lists merge item by item, other lists are replaced. */
export function mergeStrategic(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) throw new Error(`render.ts does not support the patch directive ${key}`);
    const current = target[key];
    if (value === null) delete target[key];
    else if (isMap(value) && isMap(current)) mergeStrategic(current, value);
    else if (Array.isArray(value) && Array.isArray(current) && MERGE_KEYS[key]) {
      // As kustomize orders them: the patch's items first, then the untouched ones.
      const mergeKey = MERGE_KEYS[key];
      const patched = (value as Json[]).map((item) => {
        const match = (current as Json[]).find((c) => c[mergeKey] === item[mergeKey]);
        if (!match) return structuredClone(item);
        mergeStrategic(match, item);
        return match;
      });
      target[key] = [...patched, ...(current as Json[]).filter((c) => !patched.includes(c))];
    } else target[key] = structuredClone(value);
  }
}

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function podSpecOf(o: K8sObject): Json | undefined {
  if (!WORKLOADS.has(o.kind)) return undefined;
  return ((o.spec as Json | undefined)?.template as Json | undefined)?.spec as Json | undefined;
}

export function containersOf(o: K8sObject): Json[] {
  const spec = podSpecOf(o);
  return spec ? [...((spec.initContainers as Json[]) ?? []), ...((spec.containers as Json[]) ?? [])] : [];
}

function addLabels(o: K8sObject, pairs: Record<string, string>, includeTemplates: boolean): void {
  o.metadata.labels = { ...o.metadata.labels, ...pairs };
  const template = WORKLOADS.has(o.kind) ? ((o.spec as Json).template as Json) : undefined;
  if (includeTemplates && template) {
    const meta = (template.metadata ??= {}) as Json;
    meta.labels = { ...(meta.labels as Json), ...pairs };
  }
}

function retag(image: string, rule: { name: string; newName?: string; newTag?: string; digest?: string }): string {
  const at = image.indexOf('@');
  const withoutDigest = at < 0 ? image : image.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  if (name !== rule.name) return image;
  const suffix = rule.digest ? `@${rule.digest}` : rule.newTag ? `:${rule.newTag}` : image.slice(name.length);
  return (rule.newName ?? name) + suffix;
}

// kustomize's name hash: sha256 of the Go JSON encoding of kind, data (and a
// Secret's type), first 10 hex digits with 0, 1, 3, a and e swapped for
// letters. Its name field is always "": kustomize looks the name up as one
// key named "metadata/name", which finds nothing. Matching that keeps these
// names equal to `kubectl kustomize`'s.
export function nameHash(o: K8sObject): string {
  const fields: Json = o.kind === 'Secret' ? { data: o.data, kind: o.kind, name: '', type: o.type } : { data: o.data, kind: o.kind, name: '' };
  const json = JSON.stringify(sortKeys(fields)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => ({ '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' })[c] ?? c);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((key) => [key, sortKeys(v[key])]));
}

function addHashSuffixes(objects: K8sObject[], generated: Set<K8sObject>): void {
  const renamed = new Map<string, string>();
  for (const o of generated) {
    const hashed = `${o.metadata.name}-${nameHash(o)}`;
    renamed.set(`${o.kind}/${o.metadata.name}`, hashed);
    o.metadata.name = hashed;
  }
  const rename = (ref: Json | undefined, kind: string, field = 'name') => {
    const to = ref && renamed.get(`${kind}/${String(ref[field])}`);
    if (ref && to) ref[field] = to;
  };
  for (const o of objects) {
    for (const c of containersOf(o)) {
      for (const e of (c.env as Json[]) ?? []) {
        const from = e.valueFrom as Json | undefined;
        rename(from?.configMapKeyRef as Json, 'ConfigMap');
        rename(from?.secretKeyRef as Json, 'Secret');
      }
      for (const e of (c.envFrom as Json[]) ?? []) {
        rename(e.configMapRef as Json, 'ConfigMap');
        rename(e.secretRef as Json, 'Secret');
      }
    }
    for (const v of (podSpecOf(o)?.volumes as Json[]) ?? []) {
      rename(v.configMap as Json, 'ConfigMap');
      rename(v.secret as Json, 'Secret', 'secretName');
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx infra/k8s/render.ts <kustomization directory>');
  process.stdout.write(renderKustomization(dir).map((o) => stringify(o)).join('---\n'));
}
