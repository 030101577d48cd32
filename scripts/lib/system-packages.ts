// Tests that need a system package (Chromium, gunicorn, uwsgi) skip with the
// one command that installs it when it is absent, so a newcomer's first
// `npm test` passes on a machine with only Node and npm. CI sets
// MEMSIGHT_REQUIRE_SYSTEM_PACKAGES=1 (.ci/run installs them all): there a
// missing package fails the test instead, so CI proves every test.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { inheritedEnvironment } from './stack-config';

export interface SystemPackage {
  /** What the test needs, as a user would name it. */
  name: string;
  /** The Debian package(s) that provide it. */
  apt: string;
  present: () => boolean;
}

const onPath = (program: string) => () => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;

export const CHROMIUM: SystemPackage = { name: 'Chromium', apt: 'chromium', present: () => existsSync('/usr/bin/chromium') };
export const GUNICORN: SystemPackage = { name: 'gunicorn', apt: 'gunicorn', present: onPath('gunicorn') };
export const UWSGI: SystemPackage = {
  name: 'uwsgi with its Python 3 plugin',
  apt: 'uwsgi-core uwsgi-plugin-python3',
  present: () => onPath('uwsgi')() && existsSync('/usr/lib/uwsgi/plugins/python3_plugin.so'),
};

const python3Imports = (module: string) => spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

/**
 * CPython's own regression suite: pyenv builds ship it; Debian splits it into libpython3.X-testsuite.
 * Asked by a regression module: Debian's stdlib has `test.support` (and regrtest) without the tests.
 */
export const PYTHON_TESTSUITE: SystemPackage = {
  name: "python3's regression test package (`test`)",
  // Asked when a message needs it, not at import: the package is named after the python3 on PATH.
  get apt() {
    const minor = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout?.trim();
    return `libpython${minor || '3'}-testsuite`;
  },
  present: () => python3Imports('test.support, test.test_gc, test.test_json'),
};

export const REQUIRE_SWITCH = 'MEMSIGHT_REQUIRE_SYSTEM_PACKAGES';

/** Whether missing packages fail rather than skip (CI). */
export function systemPackagesRequired(env: NodeJS.ProcessEnv = inheritedEnvironment()): boolean {
  return env[REQUIRE_SWITCH] === '1';
}

/** The install command for packages. */
export function installCommand(packages: SystemPackage[]): string {
  return `apt-get install -y ${packages.map((p) => p.apt).join(' ')}`;
}

/**
 * A `skip` option for node:test: false when every package is present; the
 * reason with its install command when one is absent; and when the switch
 * requires them, an error instead, so the test fails saying what is missing.
 */
export function skipUnless(packages: SystemPackage[], env: NodeJS.ProcessEnv = inheritedEnvironment()): string | false {
  const missing = packages.filter((p) => !p.present());
  if (missing.length === 0) return false;
  const what = `${missing.map((p) => p.name).join(' and ')} not installed; install with: ${installCommand(missing)}`;
  if (systemPackagesRequired(env)) throw new Error(`${what} (${REQUIRE_SWITCH}=1: a missing system package fails instead of skipping)`);
  return what;
}
