import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installCommand, PYTHON_TESTSUITE, REQUIRE_SWITCH, skipUnless, type SystemPackage } from './system-packages';

const absent: SystemPackage = { name: 'frobnicator', apt: 'frobnicator-bin', present: () => false };
const here: SystemPackage = { name: 'sh', apt: 'dash', present: () => true };

test('a missing system package skips with the command that installs it', () => {
  assert.equal(skipUnless([here], {}), false);
  const reason = skipUnless([here, absent], {});
  assert.equal(reason, 'frobnicator not installed; install with: apt-get install -y frobnicator-bin');
  assert.equal(installCommand([absent, here]), 'apt-get install -y frobnicator-bin dash');
});

test('under the CI switch a missing package fails instead, naming it', () => {
  assert.throws(() => skipUnless([absent], { [REQUIRE_SWITCH]: '1' }), /frobnicator not installed; install with: apt-get install -y frobnicator-bin \(MEMSIGHT_REQUIRE_SYSTEM_PACKAGES=1/);
  assert.equal(skipUnless([here], { [REQUIRE_SWITCH]: '1' }), false);
});

test("python3's test package is named after the python3 on PATH, as Debian packages it", () => {
  assert.match(PYTHON_TESTSUITE.apt, /^libpython3(\.\d+)?-testsuite$/);
  assert.equal(typeof PYTHON_TESTSUITE.present(), 'boolean');
});
