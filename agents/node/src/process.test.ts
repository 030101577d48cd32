// The built agent in real Node processes, attached with --import: what it
// sends, how it behaves at exit, in cluster workers and worker threads, and
// the GC floor probe in a host that runs no major GC of its own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Compile } from 'typebox/compile';
import { IngestBatch, describeMetric, type IngestBatch as Batch } from '@memsight/contracts';
import { FakeIngest } from './test/fake-ingest.ts';
import { fast, runWithAgent } from './test/run-node.ts';

const checker = Compile(IngestBatch);

describe('node agent in real processes', () => {
  let ingest: FakeIngest;
  before(async () => (ingest = await new FakeIngest().listen()));
  after(() => ingest.close());
  const batchesOf = (app: string) => ingest.batches.filter((b) => b.instance.app === app);

  test('what it sends validates against the contract, and every metric is in the catalogue', async () => {
    const ran = await runWithAgent({ code: 'const keep = []; const t = setInterval(() => keep.push(new Array(1e5).fill(1)), 20); setTimeout(() => { clearInterval(t); globalThis.gc(); }, 2500); // past a few 1 s loop probes' },
      fast(ingest.url, 'contract', { MEMSIGHT_APP_VERSION: '1.2.3', MEMSIGHT_LABELS: 'env=test', NODE_OPTIONS: '--expose-gc' }));
    assert.equal(ran.code, 0, ran.stderr);
    const batches = batchesOf('contract');
    assert.ok(batches.length >= 2, `batches: ${batches.length}`);
    for (const batch of batches) assert.deepEqual([...checker.Errors(batch)].slice(0, 5).map((e) => `${e.instancePath} ${e.message}`), []);
    const names = new Set(batches.flatMap((b) => b.metrics));
    assert.deepEqual([...names].filter((m) => !describeMetric(m)), []);
    for (const name of ['process.memory.rss', 'process.memory.pss', 'nodejs.memory.heap_used', 'v8js.memory.heap.space.used{space=old}',
      'v8js.gc.pause.count{kind=minor}', 'v8js.memory.heap.used_after_gc', 'nodejs.eventloop.delay.p99', 'process.open_fds{kind=socket}', 'v8js.contexts.detached', 'memsight.agent.dropped_samples']) {
      assert.ok(names.has(name), `${name} is sent`);
    }
    const first = batches[0]!;
    assert.equal(first.instance.runtime, 'node');
    assert.equal(first.instance.appVersion, '1.2.3');
    assert.deepEqual(first.instance.labels, { env: 'test' });
    assert.ok(Math.abs(first.instance.startedAt - Date.now()) < 60_000 && first.instance.startedAt <= first.samples[0]!.ts);
    assert.deepEqual(batches.map((b) => b.seq), batches.map((_, i) => i));
  });

  test('a process that ends on its own sends its last samples, and the agent never keeps it alive', async () => {
    // The flush interval is far away: only the exit flush can deliver.
    const ran = await runWithAgent({ code: 'setTimeout(() => console.log("done"), 300);' }, fast(ingest.url, 'natural-exit', { MEMSIGHT_FLUSH_INTERVAL: '600', MEMSIGHT_INTERVAL: '600' }), { timeoutMs: 20_000 });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'done\n');
    assert.equal(batchesOf('natural-exit').length, 1);
  });

  test('NODE_OPTIONS attaches it to every node process a script starts', async () => {
    const code = `import { execFileSync } from 'node:child_process';
      execFileSync(process.execPath, ['-e', 'setTimeout(() => {}, 300)']);`;
    const ran = await runWithAgent({ code }, fast(ingest.url, 'node-options', { NODE_OPTIONS: '--import @memsight/agent/register' }), { attach: false });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(new Set(batchesOf('node-options').map((b) => b.instance.pid)).size, 2, 'the script and the process it started');
  });

  test('process.exit() still sends the last samples, through a short-lived sender', async () => {
    const ran = await runWithAgent({ code: 'setTimeout(() => process.exit(3), 300);' }, fast(ingest.url, 'hard-exit', { MEMSIGHT_FLUSH_INTERVAL: '600' }), { timeoutMs: 20_000 });
    assert.equal(ran.code, 3, 'the host\'s exit code stands');
    const batches = batchesOf('hard-exit');
    assert.equal(batches.length, 1);
    assert.ok(batches[0]!.samples.length >= 1);
  });

  test('an exit with ingest down does not hang past the deadline', async () => {
    const ran = await runWithAgent({ code: 'setTimeout(() => process.exit(0), 200);' }, fast('http://127.0.0.1:9', 'down-exit'), { timeoutMs: 20_000 });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stderr, '', 'an unreachable ingest is not the host\'s stderr business at the default level');
  });

  test('in code: an outage keeps the host running, the outbox at its cap, and every drop reported', async () => {
    const down = await new FakeIngest().listen(); // its own: the outage must not reach the other tests
    down.downUntil = Date.now() + 2000;
    const code = `
      import { start, stop } from '@memsight/agent';
      const agent = start({ app: 'outage', interval: 0.02, flushInterval: 0.02, slowInterval: 60, bufferBytes: 32768 });
      const rss0 = process.memoryUsage().rss;
      let most = 0, work = 0;
      const until = Date.now() + 5000;
      const loop = () => {
        for (let i = 0; i < 1000; i++) work += i;  // the host keeps serving throughout
        most = Math.max(most, agent.outbox.bytes);
        if (Date.now() < until) setTimeout(loop, 1); else done();
      };
      const done = async () => {
        const dropped = agent.outbox.droppedTotal;
        await stop();
        console.log(JSON.stringify({ most, dropped, work, growth: process.memoryUsage().rss - rss0 }));
      };
      loop();`;
    const ran = await runWithAgent({ code }, { MEMSIGHT_ENDPOINT: down.url, MEMSIGHT_API_KEY: 'msk_test' }, { attach: false, timeoutMs: 30_000 });
    await down.close();
    assert.equal(ran.code, 0, ran.stderr);
    const r = JSON.parse(ran.stdout) as { most: number; dropped: number; work: number; growth: number };
    assert.ok(r.work > 0);
    assert.ok(r.most <= 32768 + 8192, `the outbox stays at its cap (one batch of slack): ${r.most}`);
    assert.ok(r.dropped > 0, 'a 2 s outage at 50 ticks/s overflows 32 KiB');
    assert.ok(r.growth < 16 * 2 ** 20, `RSS growth ${r.growth}`);
    const batches = down.batches;
    const seqs = batches.map((b) => b.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'no batch stored twice after recovery');
    assert.equal(batches.reduce((n, b) => n + (b.dropped ?? 0), 0), r.dropped, 'every drop reported');
  });

  test('cluster: each worker is its own instance, named after its worker id', async () => {
    const code = `
      import cluster from 'node:cluster';
      if (cluster.isPrimary) {
        const workers = [cluster.fork(), cluster.fork()];
        setTimeout(() => workers.forEach((w) => w.disconnect()), 1000);
      } else {
        const t = setInterval(() => {}, 50);
        process.on('disconnect', () => clearInterval(t));
      }`;
    const ran = await runWithAgent({ code }, fast(ingest.url, 'cluster'), { timeoutMs: 30_000 });
    assert.equal(ran.code, 0, ran.stderr);
    const byWorker = new Map<string, Set<string>>();
    for (const b of batchesOf('cluster')) {
      const key = b.instance.worker ?? 'primary';
      byWorker.set(key, (byWorker.get(key) ?? new Set()).add(b.instance.id));
    }
    assert.deepEqual([...byWorker.keys()].sort(), ['cluster:1', 'cluster:2', 'primary']);
    for (const ids of byWorker.values()) assert.equal(ids.size, 1, 'one instance per process');
  });

  test('worker_threads: start() in a worker thread does nothing; the main thread is told apart', async () => {
    const code = `
      import { Worker } from 'node:worker_threads';
      import { isMainThread, start } from '@memsight/agent';
      const w = new Worker("import('@memsight/agent').then((m) => require('node:worker_threads').parentPort.postMessage([m.isMainThread(), m.start() === undefined]))", { eval: true });
      w.on('message', (m) => console.log(JSON.stringify([isMainThread(), ...m, start({ app: 'in-worker' }) !== undefined])));`;
    const ran = await runWithAgent({ code }, { MEMSIGHT_ENDPOINT: ingest.url, MEMSIGHT_FLUSH_INTERVAL: '0.1' }, { attach: false, timeoutMs: 30_000 });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(JSON.parse(ran.stdout), [true, false, true, true], '[main is main, worker is not, worker start() is a no-op, main start() runs]');
  });

  test('worker_threads: one instance for the process, the host\'s threads run undisturbed', async () => {
    const code = `
      import { Worker } from 'node:worker_threads';
      const w = new Worker('let s = 0; for (let i = 0; i < 3e7; i++) s += i; require("node:worker_threads").parentPort.postMessage(s)', { eval: true });
      w.on('message', (s) => console.log(s));`;
    const ran = await runWithAgent({ code }, fast(ingest.url, 'threads'), { timeoutMs: 30_000 });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout.trim(), String((3e7 * (3e7 - 1)) / 2));
    assert.equal(new Set(batchesOf('threads').map((b) => b.instance.id)).size, 1);
  });

  describe('GC floor probe', () => {
    // Request work only: short-lived garbage, which scavenges collect, so V8
    // runs no major GC of its own in these 7 s (the probe-off run checks it).
    const code = `
      import v8 from 'node:v8';
      import vm from 'node:vm';
      let sink = 0;
      const until = Date.now() + 7000;
      const work = () => {
        for (let i = 0; i < 200; i++) sink += JSON.stringify({ i, body: 'x'.repeat(50) }).length;
        if (Date.now() < until) setTimeout(work, 1); else done();
      };
      const done = () => {
        const contexts = v8.getHeapStatistics().number_of_native_contexts;
        console.log(JSON.stringify({ at: Date.now(), contexts, globalGc: typeof globalThis.gc, contextGc: vm.runInNewContext('typeof gc') }));
      };
      work();`;
    const series = (batches: Batch[], metric: string) =>
      batches.flatMap((b) => {
        const at = b.metrics.indexOf(metric);
        return b.samples.flatMap((s) => (at >= 0 && s.values[at] != null ? [{ ts: s.ts, value: s.values[at]! }] : []));
      });
    let on: { ran: Awaited<ReturnType<typeof runWithAgent>>; batches: Batch[] };
    let off: typeof on;
    before(async () => {
      const run = async (app: string, probe: string) => {
        const ran = await runWithAgent({ code }, fast(ingest.url, app, { MEMSIGHT_GC_PROBE: probe }), { timeoutMs: 30_000 });
        return { ran, batches: batchesOf(app) };
      };
      [on, off] = await Promise.all([run('probe-on', '2'), run('probe-off', '0')]);
    });

    test('on (every 2 s here): a floor about every interval, flat, from one extra context and no gc the host can see', (t) => {
      assert.equal(on.ran.code, 0, on.ran.stderr);
      const floor = series(on.batches, 'v8js.memory.heap.used_after_gc');
      const gaps = floor.slice(1).map((f, i) => (f.ts - floor[i]!.ts) / 1000);
      const mb = (n: number) => (n / 2 ** 20).toFixed(2);
      t.diagnostic(`floor ${floor.map((f) => mb(f.value)).join(', ')} MB; gaps ${gaps.map((g) => g.toFixed(2)).join(', ')} s`);
      assert.ok(floor.length >= 2 && floor.length <= 4, `floor readings in 7 s: ${floor.length}`);
      assert.ok(gaps.every((g) => g > 1.8 && g < 3), `about 2 s apart: ${gaps.join(', ')}`);
      const spread = Math.max(...floor.map((f) => f.value)) - Math.min(...floor.map((f) => f.value));
      assert.ok(spread < 2 ** 20, `flat: ${floor.map((f) => mb(f.value)).join(', ')} MB`);
      const majors = series(on.batches, 'v8js.gc.pause.count{kind=major}').at(-1)?.value;
      assert.equal(majors, floor.length, 'every major GC was a probe, and each gave a floor');
      const { at, ...host } = JSON.parse(on.ran.stdout) as { at: number };
      assert.deepEqual(host, { contexts: 2, globalGc: 'undefined', contextGc: 'undefined' }, 'the host\'s own vm context has no gc either');
      const contexts = series(on.batches, 'v8js.contexts.native').filter((c) => c.ts < at).map((c) => c.value);
      assert.deepEqual([...new Set(contexts)], [1, 2], 'one more native context from the first probe on, and no more');
    });

    test('off: the same host reports no floor at all', () => {
      assert.equal(off.ran.code, 0, off.ran.stderr);
      assert.ok(off.batches.length >= 10, `batches: ${off.batches.length}`);
      assert.deepEqual(series(off.batches, 'v8js.memory.heap.used_after_gc'), []);
      assert.equal(series(off.batches, 'v8js.gc.pause.count{kind=major}').at(-1)?.value ?? 0, 0, 'no major GC ran');
      const { at: _, ...host } = JSON.parse(off.ran.stdout) as { at: number };
      assert.deepEqual(host, { contexts: 1, globalGc: 'undefined', contextGc: 'undefined' });
    });

    test('V8 flags frozen (--freeze-flags-after-init): the probe says so once and stays off, the host runs on', async () => {
      // Here v8.setFlagsFromString() would abort the process (exit 133) rather than throw.
      const ran = await runWithAgent({ code: 'setTimeout(() => console.log("done"), 1500);' },
        fast(ingest.url, 'probe-frozen', { MEMSIGHT_GC_PROBE: '0.5', MEMSIGHT_LOG_LEVEL: 'info' }), { nodeArgs: ['--freeze-flags-after-init'], timeoutMs: 20_000 });
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdout, 'done\n');
      assert.equal(ran.stderr.match(/GC floor probe is off: V8 flags are frozen/g)?.length, 1, ran.stderr);
      assert.deepEqual(series(batchesOf('probe-frozen'), 'v8js.memory.heap.used_after_gc'), []);
    });
  });
});
