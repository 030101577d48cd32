// runtimeClosure against a small lockfile: Node's nested resolution, optional
// and peer dependencies, workspace links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packageNameOf, runtimeClosure, type Lockfile } from './runtime-packages';

const lock: Lockfile = {
  packages: {
    '': {},
    'services/api': { dependencies: { fastify: '^5', '@memsight/db': '0.1.0' } },
    'node_modules/@memsight/db': { link: true },
    'node_modules/fastify': { dependencies: { avvio: '^9', 'fastify-plugin': '^5' }, peerDependencies: { pino: '*', typescript: '*' }, peerDependenciesMeta: { typescript: { optional: true } } },
    // fastify wants its own fastify-plugin; everything else takes the hoisted one.
    'node_modules/fastify/node_modules/fastify-plugin': {},
    'node_modules/fastify-plugin': { dependencies: { unused: '*' } },
    'node_modules/avvio': { dependencies: { 'fastify-plugin': '^4' }, optionalDependencies: { '@native/linux': '1', '@native/other-os': '1' } },
    'node_modules/@native/linux': {},
    'node_modules/pino': {},
    'node_modules/typescript': {},
    'node_modules/unused': {},
  },
};

test('the closure follows Node resolution: nested copies first, then hoisted ones', () => {
  assert.deepEqual(runtimeClosure(lock, ['fastify'], 'services/api'), [
    'node_modules/@native/linux',
    'node_modules/avvio',
    'node_modules/fastify',
    'node_modules/fastify-plugin',
    'node_modules/fastify/node_modules/fastify-plugin',
    'node_modules/pino',
    'node_modules/unused',
  ]);
});

test('optional peers are left out, and so are workspace links (their code is bundled)', () => {
  const closure = runtimeClosure(lock, ['fastify', '@memsight/db'], 'services/api');
  assert.ok(!closure.includes('node_modules/typescript'));
  assert.ok(!closure.includes('node_modules/@memsight/db'));
});

test('a package the bundle imports but the lockfile lacks is an error, not a broken image', () => {
  assert.throws(() => runtimeClosure(lock, ['left-pad'], 'services/api'), /left-pad \(needed from services\/api\) is not in package-lock.json/);
});

test('package names from import specifiers', () => {
  assert.equal(packageNameOf('@prisma/client/runtime/client'), '@prisma/client');
  assert.equal(packageNameOf('typebox/value'), 'typebox');
  assert.equal(packageNameOf('node:fs'), undefined);
  assert.equal(packageNameOf('fs'), undefined);
});
