// The golden Node batch (packages/contracts/golden/valid/node-batch.json),
// rebuilt by the agent from the readings it encodes: the agent's own
// collectors name and compute every metric, its tick adds its own counters,
// its flush lays out and encodes the batch. Issue 14: the file said
// {space=old_space} while the agent sent {space=old}, and nothing noticed,
// because only the Python agent was tested against its golden file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, type IntervalHistogram } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { readGolden } from '@memsight/contracts/golden';
import type { IngestBatch } from '@memsight/contracts';
import { Agent } from './agent.ts';
import { buildBatch, type Tick } from './batch.ts';
import { EventLoopMonitor } from './collectors/event-loop.ts';
import { GcObserver } from './collectors/gc.ts';
import type { HeapSpace, HeapStatistics } from './collectors/v8-heap.ts';
import { loadConfig } from './config.ts';
import { Log } from './log.ts';

const golden = readGolden('valid', 'node-batch');

/** The readings of golden sample `i`, looked up by the names the agent gives them. */
function reading(i: number) {
  const sample = golden.samples[i]!;
  const value = (name: string) => {
    const at = golden.metrics.indexOf(name);
    return at === -1 ? Number.NaN : (sample.values[at] as number);
  };
  return { ts: sample.ts, value };
}

function fakeHistogram(p99Seconds: () => number): IntervalHistogram {
  return { enable: () => true, disable: () => true, reset: () => {}, count: 1, max: 0, percentile: () => Math.round(p99Seconds() * 1e9) } as unknown as IntervalHistogram;
}

test('the node agent rebuilds the golden node batch exactly from the readings it encodes', async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'memsight-golden-')); // no /proc, no cgroup: those metrics are missing, softly
  try {
    let row = reading(0);
    let monoMs = 1_000_000;
    let pauseTotal = 0;
    const gc = new GcObserver(() => monoMs, () => row.value('v8js.memory.heap.used_after_gc'));
    const eventLoop = new EventLoopMonitor(1000, () => fakeHistogram(() => row.value('nodejs.eventloop.delay.p99')));
    eventLoop.install();
    const config = loadConfig({ endpoint: 'http://127.0.0.1:9', apiKey: 'msk_test', app: golden.instance.app, interval: 10, flushInterval: 3600, gcProbe: 0 }, {});
    const agent = new Agent(config, new Log('off', () => {}), {
      wall: () => row.ts,
      monotonic: () => monoMs,
      sources: {
        procRoot: empty, pid: '1', cgroupRoot: empty, gc, eventLoop,
        memoryUsage: () => ({
          rss: row.value('process.memory.rss'), heapTotal: row.value('nodejs.memory.heap_total'), heapUsed: row.value('nodejs.memory.heap_used'),
          external: row.value('nodejs.memory.external'), arrayBuffers: 0,
        }),
        heapStatistics: () => ({ heap_size_limit: 4e9, malloced_memory: 0, number_of_native_contexts: 1, number_of_detached_contexts: row.value('v8js.contexts.detached') }) as HeapStatistics,
        heapSpaces: (): HeapSpace[] => [{
          space_name: 'old_space', space_size: row.value('v8js.memory.heap.space.size{space=old}'),
          space_used_size: row.value('v8js.memory.heap.space.used{space=old}'), space_available_size: 0, physical_space_size: 0,
        }],
      },
    });
    for (let i = 0; i < golden.samples.length; i++) {
      row = reading(i);
      monoMs += 10_000;
      // One major GC per interval; its pause total is what the golden row says it has reached.
      const totalMs = row.value('v8js.gc.pause.total{kind=major}') * 1000;
      gc.record([{ detail: { kind: constants.NODE_PERFORMANCE_GC_MAJOR }, duration: Math.round(totalMs - pauseTotal) } as never]);
      pauseTotal = Math.round(totalMs);
      await agent.tick();
    }
    agent.flush();
    const sent = JSON.parse(gunzipSync(agent.outbox.peek()!.body).toString('utf8')) as IngestBatch;

    assert.deepEqual(golden.metrics.filter((m) => !sent.metrics.includes(m)), [], 'every metric of the golden batch is one the agent sends');
    // The golden batch carries a selection of what the agent sends, with a fixed identity: the same selection of the agent's batch.
    const ticks: Tick[] = sent.samples.map((s) => ({
      ts: s.ts,
      values: Object.fromEntries(golden.metrics.map((m) => [m, s.values[sent.metrics.indexOf(m)]] as const).filter((e): e is readonly [string, number] => e[1] != null)),
    }));
    const rebuilt = buildBatch(golden.instance, golden.seq, ticks, golden.snapshots ?? [], golden.dropped ?? 0);
    rebuilt.agent = golden.agent; // the golden pins a version; ours moves
    assert.deepEqual(rebuilt, golden);
    assert.equal(sent.seq, 0);
    eventLoop.uninstall();
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
