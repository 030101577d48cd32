// Each scenario is a real Node program with one memory problem (or none),
// run with the built agent attached by `--import` against a real ingest. The
// checks read what landed in PostgreSQL.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { storedSeries, storedSnapshots, useTenantAndIngest } from '@memsight/ingest/testing';
import { fast, runWithAgent } from './src/test/run-node';

const scenario = (name: string) => path.join(import.meta.dirname, 'scenarios', `${name}.mjs`);

describe('node agent scenarios: the problem shows in the stored data', () => {
  const suite = useTenantAndIngest('node-scenarios');
  const appOf = (name: string) => `node-scenario-${name}-${process.pid}`;

  before(async () => {
    // The floor is the lowest heap seen after a major GC in each interval: one
    // second gathers several collections, as the 10 s default gathers many.
    const settings: Record<string, NodeJS.ProcessEnv> = {
      listener_leak: { MEMSIGHT_INTERVAL: '0.5', MEMSIGHT_HEAP_SAMPLING: '16384', MEMSIGHT_SLOW_INTERVAL: '1' },
      healthy_sawtooth: { MEMSIGHT_INTERVAL: '1' },
      vm_contexts: {},
      buffer_growth: {},
      fd_leak: {},
    };
    const runs = Object.entries(settings).map(([name, env]) =>
      runWithAgent({ file: scenario(name) }, fast(suite.url, appOf(name), { MEMSIGHT_API_KEY: suite.tenant.apiKey, MEMSIGHT_FLUSH_INTERVAL: '0.5', ...env }), { timeoutMs: 60_000 }),
    );
    for (const r of await Promise.all(runs)) {
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /memsight (ERROR|WARNING)/, r.stderr);
    }
  });

  const series = (name: string, metric: string) => storedSeries(suite.tenant, appOf(name), metric);

  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

  test('listener leak: the floor after GC climbs, and the top growing site is the leaking line', async (t) => {
    const floor = await series('listener_leak', 'v8js.memory.heap.used_after_gc');
    assert.ok(floor.length >= 2, `floor readings: ${floor.length}`);
    assert.ok(floor.at(-1)! > floor[0]! + 20 * 2 ** 20, `floor ${floor.map(mb).join(' → ')}`);
    const line = readFileSync(scenario('listener_leak'), 'utf8').split('\n').findIndex((l) => l.includes('// LEAK-SITE')) + 1;
    const snapshots = await storedSnapshots<{ sites: { site: string; growthBytes?: number }[] }>(suite.tenant, appOf('listener_leak'), 'allocation_sites');
    const top = snapshots.slice(1).map((s) =>
      [...s.sites].sort((a, b) => (b.growthBytes ?? 0) - (a.growthBytes ?? 0))[0]?.site);
    assert.ok(top.length >= 2, `allocation snapshots after the first: ${top.length}`);
    const atLeak = top.filter((site) => site === `${scenario('listener_leak')}:${line}`).length;
    t.diagnostic(`floor ${floor.map(mb).join(' → ')}; top growing sites ${top.join(', ')}`);
    assert.ok(atLeak >= top.length / 2, `top growing sites: ${top.join(', ')} (leak at line ${line})`);
  });

  test('vm contexts kept alive: native contexts only grow', async () => {
    const contexts = await series('vm_contexts', 'v8js.contexts.native');
    assert.ok(contexts.at(-1)! >= contexts[0]! + 50, `contexts ${contexts[0]} → ${contexts.at(-1)}`);
    assert.ok(contexts.every((c, i) => i === 0 || c >= contexts[i - 1]!), 'never collected');
    assert.ok((await series('vm_contexts', 'v8js.contexts.detached')).length > 0, 'detached contexts are reported too');
  });

  test('buffer growth: arrayBuffers climb while the JS heap stays flat', async () => {
    const buffers = await series('buffer_growth', 'nodejs.memory.array_buffers');
    const heap = await series('buffer_growth', 'nodejs.memory.heap_used');
    const grew = buffers.at(-1)! - buffers[0]!;
    assert.ok(grew > 50 * 2 ** 20, `arrayBuffers ${mb(buffers[0]!)} → ${mb(buffers.at(-1)!)}`);
    assert.ok(heap.at(-1)! - heap[0]! < grew / 10, `heap ${mb(heap[0]!)} → ${mb(heap.at(-1)!)}`);
    const rss = await series('buffer_growth', 'process.memory.rss');
    assert.ok(rss.at(-1)! > rss[0]! + grew / 2, 'RSS follows');
  });

  test('fd leak: the file descriptor count grows', async () => {
    const files = await series('fd_leak', 'process.open_fds{kind=file}');
    assert.ok(files.at(-1)! >= files[0]! + 200, `files ${files[0]} → ${files.at(-1)}`);
  });

  test('healthy service: a big sawtooth over a flat floor', async (t) => {
    const used = await series('healthy_sawtooth', 'nodejs.memory.heap_used');
    const floor = await series('healthy_sawtooth', 'v8js.memory.heap.used_after_gc');
    const teeth = Math.max(...used) - Math.min(...used);
    assert.ok(teeth > 30 * 2 ** 20, `sawtooth ${mb(Math.min(...used))}–${mb(Math.max(...used))}`);
    assert.ok(floor.length >= 4, `floor readings: ${floor.length}`);
    const settled = floor.slice(1); // the first second fills the cache of recent responses
    const spread = Math.max(...settled) - Math.min(...settled);
    t.diagnostic(`heap ${mb(Math.min(...used))}–${mb(Math.max(...used))}; floor ${floor.map(mb).join(', ')}`);
    assert.ok(spread < teeth / 5, `floor ${floor.map(mb).join(', ')} against teeth of ${mb(teeth)}`);
    const pauses = await series('healthy_sawtooth', 'v8js.gc.pause.count{kind=major}');
    assert.ok(pauses.at(-1)! >= 3, `major collections counted: ${pauses.at(-1)}`);
  });
});
