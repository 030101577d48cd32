// Part of CPython's own regression suite, run once plainly and once with the
// agent auto-started in the test process (`python -m memsight run`, sampling
// every 0.5 s and posting to a real ingest). The agent must change nothing:
// the same tests pass and fail either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useTenantAndIngest } from '@memsight/ingest/testing';
import { PYTHON_TESTSUITE, skipUnless } from '../../scripts/lib/system-packages';

const run = promisify(execFile);
const AGENT_DIR = import.meta.dirname;
const SUITES = ['test_gc', 'test_json', 'test_threading', 'test_tracemalloc', 'test_weakref', 'test_subprocess'];
const APP = `cpython-suite-${process.pid}`;

interface SuiteOutcome {
  failed: string[];
  summary: string;
  output: string;
}

async function regrtest(prefix: string[], env: Record<string, string>, suites = SUITES): Promise<SuiteOutcome> {
  const args = [...prefix, 'python3', '-m', 'test', ...suites];
  const result = await run(args[0]!, args.slice(1), { cwd: AGENT_DIR, env: { ...process.env, ...env }, timeout: 600_000, maxBuffer: 64 << 20 }).catch(
    (err: { stdout: string; stderr: string }) => err,
  );
  const output = result.stdout + result.stderr;
  // regrtest lists failures as "N test(s) failed:" followed by indented names.
  const block = /\d+ tests? failed:\n((?:[ \t]+\S.*\n?)+)/.exec(output)?.[1] ?? '';
  const summary = /Total tests: (.*)/.exec(output)?.[1] ?? '';
  return { failed: block.split(/\s+/).filter(Boolean).sort(), summary, output };
}

const suite = useTenantAndIngest('cpython-suite');

// Debian's python3 ships test.support without the regression tests; pyenv builds have
// them. Missing, the test skips naming the package to install, and fails under CI's
// switch instead of passing as a silent skip (scripts/lib/system-packages.ts).
const missingTestPackage = skipUnless([PYTHON_TESTSUITE]);

const agentPrefix = ['python3', '-m', 'memsight', 'run', '--'];
let agentEnv: Record<string, string>;

test('CPython regression tests pass with the agent as they do without it', { timeout: 900_000, skip: missingTestPackage }, async () => {
  agentEnv = { MEMSIGHT_ENDPOINT: suite.url, MEMSIGHT_API_KEY: suite.tenant.apiKey, MEMSIGHT_APP: APP, MEMSIGHT_INTERVAL: '0.5', MEMSIGHT_FLUSH_INTERVAL: '1' };
  const [plain, withAgent] = await Promise.all([
    regrtest([], {}),
    regrtest(agentPrefix, agentEnv),
  ]);
  assert.ok(plain.summary, `the plain run finished:\n${plain.output.slice(-3000)}`);
  assert.ok(withAgent.summary, `the run with the agent finished:\n${withAgent.output.slice(-3000)}`);
  // A few CPython tests count exact allocations or fd numbers (test_gc.test_get_count, test_subprocess's fd swaps), and any
  // thread that samples at that instant perturbs them. Those failing only with the agent run once more with it: a timing
  // collision passes then, a real breakage fails again and counts.
  const extra = withAgent.failed.filter((t) => !plain.failed.includes(t));
  const again = extra.length ? await regrtest(agentPrefix, agentEnv, extra) : undefined;
  const failedWithAgent = withAgent.failed.filter((t) => !extra.includes(t) || again!.failed.includes(t));
  assert.deepEqual(failedWithAgent, plain.failed, `with the agent:\n${(again ?? withAgent).output.slice(-6000)}`);
  assert.doesNotMatch(withAgent.output, /memsight (WARNING|ERROR)/);
  // And the agent really ran inside the test process.
  const { rows } = await suite.tenant.pool.query(
    `SELECT count(*)::int AS n FROM samples s JOIN instances i ON i.id = s.instance_id JOIN apps a ON a.id = i.app_id
      WHERE i.project_id = $1 AND a.name = $2`,
    [suite.tenant.projectId, APP],
  );
  assert.ok(rows[0].n >= 20, `samples from the test process: ${rows[0].n}`);
});
