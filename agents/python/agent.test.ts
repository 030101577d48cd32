// The Python agent from the Node side: its own unittest suite (each Python
// test reported as a subtest), and what a real Python process produces,
// checked against the wire contract and the metric catalogue, then posted to
// a real ingest and read back from PostgreSQL.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Compile } from 'typebox/compile';
import { IngestBatch, describeMetric } from '@memsight/contracts';
import { useTenantAndIngest } from '@memsight/ingest/testing';

const run = promisify(execFile);
const AGENT_DIR = import.meta.dirname;
const checker = Compile(IngestBatch);

async function pythonSample(...args: string[]): Promise<IngestBatch> {
  const { stdout } = await run('python3', ['-m', 'memsight', 'sample', ...args], { cwd: AGENT_DIR, timeout: 60_000 });
  return JSON.parse(stdout) as IngestBatch;
}

test('python agent: unittest suite', { timeout: 300_000 }, async (t) => {
  const result = await run('python3', ['-m', 'unittest', 'discover', '-v', '-s', '.', '-p', 'test_*.py', '-t', '.'], {
    cwd: AGENT_DIR,
    timeout: 240_000,
  }).catch((err: { stdout: string; stderr: string }) => err);
  // unittest -v writes "test_name (module.Class.test_name) ... ok" lines to stderr.
  const lines = result.stderr.split('\n').filter((l) => / \.\.\. /.test(l));
  assert.ok(lines.length > 0, `no Python tests ran:\n${result.stderr.slice(-3000)}`);
  for (const line of lines) {
    const [name, outcome] = line.split(' ... ');
    await t.test(name!, () => {
      if (outcome!.startsWith('skipped')) return;
      assert.equal(outcome, 'ok', `${name}\n${result.stderr.slice(-4000)}`);
    });
  }
  assert.match(result.stderr, /\nOK( \(skipped=\d+\))?\s*$/, result.stderr.slice(-4000));
});

/** One interpreter per CPython minor version the agent supports, where this machine has it (pyenv or PATH). */
function interpreters(): { version: string; python: string | undefined }[] {
  const pyenv = path.join(homedir(), '.pyenv', 'versions');
  const installed = existsSync(pyenv) ? readdirSync(pyenv) : [];
  return [8, 9, 10, 11, 12, 13].map((minor) => {
    const dir = installed.filter((v) => v.startsWith(`3.${minor}.`)).sort().at(-1);
    const candidates = [dir && path.join(pyenv, dir, 'bin', 'python'), ...(process.env.PATH ?? '').split(':').map((p) => path.join(p, `python3.${minor}`))];
    return { version: `3.${minor}`, python: candidates.find((c): c is string => !!c && existsSync(c)) };
  });
}

test('python agent: unittest on every CPython 3.8–3.13 found here', { timeout: 600_000 }, async (t) => {
  const found = interpreters();
  const results = await Promise.all(
    found.map(async ({ version, python }) => {
      if (!python) return { version, skipped: true, ok: true, output: '' };
      const r = await run(python, ['-m', 'unittest', 'discover', '-s', '.', '-p', 'test_*.py', '-t', '.'], { cwd: AGENT_DIR, timeout: 300_000 }).then(
        (x) => ({ ok: true, output: x.stderr }),
        (err: { stderr: string }) => ({ ok: false, output: err.stderr }),
      );
      return { version, skipped: false, ...r };
    }),
  );
  for (const r of results) {
    await t.test(`CPython ${r.version}`, { skip: r.skipped ? 'not installed here' : false }, () => {
      assert.ok(r.ok, r.output.slice(-4000));
    });
  }
  assert.ok(results.filter((r) => !r.skipped).length >= 1);
});

describe('python agent: what a live process sends', () => {
  let plain: IngestBatch;
  let traced: IngestBatch;

  before(async () => {
    [plain, traced] = await Promise.all([
      pythonSample('--app', 'contract-test', '--app-version', '1.0.0', '--label', 'env=test'),
      pythonSample('--tracemalloc', '--ticks', '3'),
    ]);
  });

  test('validates against the wire contract, with and without tracemalloc', () => {
    for (const batch of [plain, traced]) {
      const errors = [...checker.Errors(batch)].slice(0, 5).map((e) => `${e.instancePath} ${e.message}`);
      assert.deepEqual(errors, []);
    }
    assert.equal(plain.instance.runtime, 'cpython');
    assert.equal(plain.instance.labels?.env, 'test');
    assert.ok(traced.snapshots?.some((s) => s.kind === 'allocation_sites' && s.sites.length > 0));
    assert.ok(plain.snapshots?.some((s) => s.kind === 'type_counts' && s.types.some((t) => t.type === 'dict')));
  });

  test('every metric it sends is in the catalogue', () => {
    const unknown = [...new Set([...plain.metrics, ...traced.metrics])].filter((m) => !describeMetric(m));
    assert.deepEqual(unknown, []);
  });

  test('reads the memory picture of the process', () => {
    const value = (b: IngestBatch, name: string) => b.samples[0]!.values[b.metrics.indexOf(name)];
    assert.ok((value(plain, 'process.memory.rss') as number) > 5_000_000);
    assert.ok((value(plain, 'cpython.pymalloc.arenas') as number) > 0, 'pymalloc arenas on the first tick');
    const utilization = value(plain, 'cpython.pymalloc.utilization') as number;
    assert.ok(utilization > 0 && utilization <= 1);
    assert.ok((value(traced, 'cpython.tracemalloc.current') as number) > 0);
  });
});

describe('python agent → ingest → PostgreSQL', () => {
  const suite = useTenantAndIngest('python-agent');

  test("a live batch is stored value for value", async () => {
    const batch = await pythonSample('--app', 'python-agent-e2e', '--ticks', '2');
    const res = await fetch(`${suite.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.tenant.apiKey}` },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).accepted, 2);
    const { rows } = await suite.tenant.pool.query<{ ts: Date; values: (number | null)[]; names: string[] }>(
      `SELECT s.ts, s.values, m.names FROM samples s
         JOIN instances i ON i.id = s.instance_id JOIN metric_sets m ON m.id = s.metric_set_id
        WHERE i.project_id = $1 AND i.agent_instance_id = $2 ORDER BY s.ts`,
      [suite.tenant.projectId, batch.instance.id],
    );
    assert.deepEqual(rows.map((r) => r.ts.getTime()), batch.samples.map((s) => s.ts));
    assert.deepEqual(rows[0]!.names, batch.metrics);
    assert.deepEqual(rows[1]!.values, batch.samples[1]!.values);
  });
});

