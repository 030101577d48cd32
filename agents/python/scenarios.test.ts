// Each scenario is a real Python program with one memory problem, run with
// the agent attached without code changes (`python -m memsight run`) against
// a real ingest. The checks read what landed in PostgreSQL.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { storedSeries, storedSnapshots, useTenantAndIngest } from '@memsight/ingest/testing';

const run = promisify(execFile);
const AGENT_DIR = import.meta.dirname;
const scenario = (name: string) => path.join(AGENT_DIR, 'scenarios', `${name}.py`);

describe('python agent scenarios: the problem shows in the stored data', () => {
  const suite = useTenantAndIngest('python-scenarios');
  const appOf = (name: string) => `scenario-${name}-${process.pid}`;
  const stderrOf: Record<string, string> = {}; // the agent's own lines, to explain a failure

  before(async () => {
    const names = ['unbounded_cache', 'cycles_gc_disabled', 'fragmentation', 'unclosed_files'];
    const runs = names.map((name) =>
      run('python3', ['-m', 'memsight', 'run', '--', 'python3', scenario(name)], {
        cwd: AGENT_DIR,
        timeout: 120_000,
        env: {
          ...process.env,
          MEMSIGHT_ENDPOINT: suite.url,
          MEMSIGHT_API_KEY: suite.tenant.apiKey,
          MEMSIGHT_APP: appOf(name),
          MEMSIGHT_INTERVAL: '0.2',
          MEMSIGHT_FLUSH_INTERVAL: '0.5',
          MEMSIGHT_SLOW_INTERVAL: '0.4',
          MEMSIGHT_SLOW_BUDGET: '1',
          MEMSIGHT_TRACEMALLOC: name === 'unbounded_cache' ? '1' : '0',
          MEMSIGHT_LOG_LEVEL: 'info',
        },
      }),
    );
    (await Promise.all(runs)).forEach((r, i) => {
      stderrOf[names[i]!] = r.stderr;
      assert.doesNotMatch(r.stderr, /ERROR|WARNING|Traceback/, r.stderr);
    });
  });

  const series = (name: string, metric: string) => storedSeries(suite.tenant, appOf(name), metric);

  type Snapshot = { sites?: { site: string; growthBytes?: number }[]; types?: { type: string; count: number }[] };
  const snapshots = (name: string, kind: string) => storedSnapshots<Snapshot>(suite.tenant, appOf(name), kind);

  test('unbounded cache: traced memory and list counts grow, and the top growing site is the cache line', async () => {
    const traced = await series('unbounded_cache', 'cpython.tracemalloc.current');
    assert.ok(traced.length >= 2, `samples stored: ${traced.length}; the agent said: ${stderrOf.unbounded_cache}`);
    assert.ok(traced.at(-1)! > traced[0]! + 5_000_000, `traced ${traced[0]} → ${traced.at(-1)} over ${traced.length} samples; the agent said: ${stderrOf.unbounded_cache}`);
    const line = readFileSync(scenario('unbounded_cache'), 'utf8').split('\n').findIndex((l) => l.includes('# CACHE-FILL')) + 1;
    const grown = (await snapshots('unbounded_cache', 'allocation_sites')).slice(1).map((s) =>
      [...s.sites!].filter((x) => x.growthBytes !== undefined).sort((a, b) => b.growthBytes! - a.growthBytes!)[0]?.site,
    );
    assert.ok(grown.length >= 1, 'an allocation snapshot after the first');
    const atCacheLine = grown.filter((site) => site === `${scenario('unbounded_cache')}:${line}`).length;
    assert.ok(atCacheLine >= grown.length / 2, `top growing sites: ${grown.join(', ')}`);
    const lists = (await snapshots('unbounded_cache', 'type_counts')).map((s) => s.types!.find((t) => t.type === 'list')?.count ?? 0);
    assert.ok(lists.at(-1)! > lists[0]! + 10_000, `lists ${lists[0]} → ${lists.at(-1)}`);
  });

  test('cycles with gc disabled: generation 0 climbs and nothing is collected', async () => {
    const gen0 = await series('cycles_gc_disabled', 'cpython.gc.count{generation=0}');
    assert.ok(gen0.at(-1)! > gen0[0]! + 50_000, `gen0 ${gen0[0]} → ${gen0.at(-1)}`);
    const enabled = await series('cycles_gc_disabled', 'cpython.gc.enabled');
    assert.equal(enabled.at(-1), 0);
  });

  test('fragmentation: pymalloc utilisation falls while RSS stays high', async () => {
    const utilization = await series('fragmentation', 'cpython.pymalloc.utilization');
    const rss = await series('fragmentation', 'process.memory.rss');
    const best = Math.max(...utilization);
    assert.ok(utilization.at(-1)! < best * 0.7, `utilisation ${best.toFixed(2)} → ${utilization.at(-1)!.toFixed(2)}`);
    assert.ok(rss.at(-1)! > Math.max(...rss) * 0.8, `RSS ${Math.max(...rss)} → ${rss.at(-1)}`);
  });

  test('unclosed files: the file descriptor count grows', async () => {
    const files = await series('unclosed_files', 'process.open_fds{kind=file}');
    assert.ok(files.at(-1)! >= files[0]! + 100, `files ${files[0]} → ${files.at(-1)}`);
  });
});
