// A real suite we did not write: qs's own tape tests (shipped in its npm
// package), run without the agent and then with it attached by --import,
// sampling fast and with the heap profiler on. Both runs must pass the same
// assertions, and the agent must have been reporting throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FakeIngest } from './src/test/fake-ingest';
import { fast, runWithAgent } from './src/test/run-node';

const require = createRequire(import.meta.url);
const QS_DIR = path.dirname(require.resolve('qs/package.json'));
const TAPE = path.join(path.dirname(require.resolve('tape/package.json')), 'bin', 'tape');

async function tape(attach: boolean, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const ran = await runWithAgent({ file: TAPE }, env, { attach, args: ['test/*.js'], cwd: QS_DIR, timeoutMs: 120_000 });
  return { code: ran.code, out: ran.stdout + ran.stderr };
}

const summary = (out: string) => ({ tests: out.match(/^# tests (\d+)$/m)?.[1], pass: out.match(/^# pass +(\d+)$/m)?.[1], fail: out.match(/^# fail +(\d+)$/m)?.[1] });

let ingest: FakeIngest;
before(async () => (ingest = await new FakeIngest().listen()));
after(() => ingest.close());

test("qs's own test suite passes with the agent attached, as it does without", { timeout: 300_000 }, async () => {
  const bare = await tape(false, {});
  const withAgent = await tape(true, fast(ingest.url, 'qs-suite', { MEMSIGHT_INTERVAL: '0.05', MEMSIGHT_HEAP_SAMPLING: '8192' }));
  assert.equal(bare.code, 0, bare.out.slice(-3000));
  assert.equal(withAgent.code, 0, withAgent.out.slice(-3000));
  assert.ok(Number(summary(bare.out).tests) > 500, `qs ran its tests: ${JSON.stringify(summary(bare.out))}`);
  assert.deepEqual(summary(withAgent.out), summary(bare.out));
  assert.doesNotMatch(withAgent.out, /memsight/, 'the agent stays off the suite\'s output');
  assert.ok(ingest.batches.length >= 1, 'the agent reported while the suite ran');
});
