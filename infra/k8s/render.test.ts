// render.ts against the real kustomize where kubectl is installed (its
// `kubectl kustomize` is kustomize built in), and its merge rules on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { mergeStrategic, renderKustomization, type K8sObject } from './render';
import { copyWithExampleSecrets } from './checks';

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const noKubectl = kubectl.status === 0 ? false : 'kubectl is not installed: render.ts is checked on its own';

const byKindAndName = (objects: K8sObject[]) =>
  [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

for (const dir of ['base', 'overlays/production']) {
  test(`render.ts builds ${dir} exactly as kubectl kustomize does`, { skip: noKubectl }, () => {
    const copy = copyWithExampleSecrets();
    const built = spawnSync('kubectl', ['kustomize', path.join(copy, dir)], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const theirs = parseAllDocuments(built.stdout).map((d) => d.toJS() as K8sObject);
    assert.deepEqual(byKindAndName(renderKustomization(path.join(copy, dir))), byKindAndName(theirs));
  });
}

test('strategic merge: keyed lists merge by key, null deletes, other lists are replaced', () => {
  const target = {
    containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], args: ['--one'] }, { name: 'b' }],
    keep: 1,
    drop: 2,
  };
  mergeStrategic(target, { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }, { name: 'Z', value: '4' }], args: ['--two'] }], drop: null });
  assert.deepEqual(target, {
    containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }, { name: 'Z', value: '4' }, { name: 'X', value: '1' }], args: ['--two'] }, { name: 'b' }],
    keep: 1,
  });
});

test('a kustomization field render.ts does not implement is an error, not ignored', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'memsight-k8s-'));
  writeFileSync(path.join(dir, 'kustomization.yaml'), 'commonAnnotations:\n  a: b\n');
  assert.throws(() => renderKustomization(dir), /does not support "commonAnnotations"/);
});

test('a patch that matches nothing is an error', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'memsight-k8s-'));
  writeFileSync(path.join(dir, 'kustomization.yaml'), 'patches:\n  - patch: |\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: nobody\n');
  assert.throws(() => renderKustomization(dir), /matches nothing/);
});
