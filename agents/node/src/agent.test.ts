// The agent against a real HTTP server on loopback, with scripted faults.
// Clocks are injected and ticks driven by hand, so no test waits on a timer.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from './agent.ts';
import { loadConfig, type AgentOptions } from './config.ts';
import { Log } from './log.ts';
import { FakeIngest } from './test/fake-ingest.ts';

class Clock {
  ms = 1_000_000;
  now = () => this.ms;
}

function makeAgent(endpoint: string, options: AgentOptions = {}) {
  const clock = new Clock();
  const lines: string[] = [];
  // No GC probe: clock jumps past its interval would collect this test process's heap.
  const config = loadConfig({ endpoint, apiKey: 'msk_test', app: 't', interval: 1, flushInterval: 1, timeout: 0.3, gcProbe: 0, ...options }, {});
  const agent = new Agent(config, new Log('info', (l) => lines.push(l)), { wall: () => 1_700_000_000_000 + clock.ms, monotonic: clock.now });
  const ticks = async (n: number, stepMs = 1000) => {
    for (let i = 0; i < n; i++) {
      clock.ms += stepMs;
      await agent.tick();
      await agent.idle();
    }
  };
  return { agent, clock, lines, ticks };
}

describe('node agent transport and outbox', () => {
  let ingest: FakeIngest;
  beforeEach(async () => (ingest = await new FakeIngest().listen()));
  afterEach(() => ingest.close());

  test('batches arrive in order with rising seq, one instance', async () => {
    const { ticks } = makeAgent(ingest.url);
    await ticks(4);
    assert.deepEqual(ingest.batches.map((b) => b.seq), [0, 1, 2, 3]);
    assert.equal(new Set(ingest.batches.map((b) => b.instance.id)).size, 1);
  });

  test('5xx and a killed connection are retried without duplicates', async () => {
    const { ticks } = makeAgent(ingest.url);
    ingest.script.push(500, 'kill');
    await ticks(12);
    const seqs = ingest.batches.map((b) => b.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'each seq once, in order');
    assert.equal(seqs[0], 0, 'the refused batch was resent');
    assert.ok(ingest.requests >= ingest.batches.length + 2);
  });

  test('429 waits for Retry-After', async () => {
    const { agent, ticks } = makeAgent(ingest.url);
    ingest.script.push({ retryAfter: 5 });
    await ticks(1);
    assert.equal(ingest.batches.length, 0);
    await ticks(4); // 4 s later: still waiting
    assert.equal(ingest.requests, 1, 'no request before Retry-After');
    await ticks(2);
    assert.ok(ingest.batches.length >= 1);
    assert.deepEqual(ingest.batches.map((b) => b.seq).slice(0, 2), [0, 1]);
    assert.equal(agent.outbox.length, 0);
  });

  test('a 4xx drops the batch, says so once, and reports its samples as dropped', async () => {
    const { ticks, lines } = makeAgent(ingest.url);
    ingest.script.push(400, 400);
    await ticks(3);
    assert.deepEqual(ingest.batches.map((b) => b.seq), [2]);
    // The two refused batches held one sample each: the next batch reports them.
    assert.equal(ingest.batches[0]!.dropped, 2);
    assert.equal(lines.filter((l) => l.includes('refused a batch with 400')).length, 1, lines.join(''));
  });

  test('a hanging server costs one timeout, then the batch is retried', async () => {
    const { ticks } = makeAgent(ingest.url, { timeout: 0.2 });
    ingest.script.push('hang');
    const began = performance.now();
    await ticks(1);
    const took = performance.now() - began;
    assert.equal(ingest.batches.length, 0);
    assert.ok(took < 5000, `the hung exchange ended (${took.toFixed(0)} ms)`);
    await ticks(8);
    assert.equal(ingest.batches[0]?.seq, 0);
  });

  test('a server that is down (connection refused) and comes back gets every batch once', async () => {
    const { agent, clock, ticks } = makeAgent(ingest.url);
    const port = Number(new URL(ingest.url).port);
    await ingest.close();
    await ticks(4);
    assert.equal(agent.outbox.length, 4, 'kept while nobody listens');
    ingest = await new FakeIngest().listen(port);
    clock.ms += 600_000; // past any backoff
    await ticks(1);
    assert.deepEqual(ingest.batches.map((b) => b.seq), [0, 1, 2, 3, 4]);
  });

  test('an outage that fits the buffer loses nothing', async () => {
    const { agent, clock, ticks } = makeAgent(ingest.url);
    ingest.downUntil = Date.now() + 60_000;
    await ticks(5);
    ingest.downUntil = 0;
    clock.ms += 600_000; // past any backoff
    await ticks(1);
    assert.deepEqual(ingest.batches.map((b) => b.seq), [0, 1, 2, 3, 4, 5]);
    assert.equal(agent.outbox.droppedTotal, 0);
    assert.equal(ingest.batches.reduce((n, b) => n + (b.dropped ?? 0), 0), 0);
  });

  test('a longer outage drops the oldest within the cap and reports every drop', async () => {
    const { agent, clock, ticks } = makeAgent(ingest.url, { bufferBytes: 20_000 });
    ingest.downUntil = Date.now() + 60_000;
    let most = 0;
    for (let i = 0; i < 30; i++) {
      await ticks(1);
      most = Math.max(most, agent.outbox.bytes);
    }
    assert.ok(agent.outbox.droppedTotal > 0, 'the outbox overflowed');
    assert.ok(most <= 20_000 + 8_000, `the outbox stays at its cap (one batch of slack): ${most}`);
    ingest.downUntil = 0;
    clock.ms += 600_000;
    await ticks(2);
    const seqs = ingest.batches.map((b) => b.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.ok(seqs[0]! > 0, 'the oldest were dropped');
    assert.equal(ingest.batches.reduce((n, b) => n + (b.dropped ?? 0), 0), agent.outbox.droppedTotal, 'every drop reported');
    const last = ingest.batches.at(-1)!;
    assert.equal(last.samples.at(-1)!.values[last.metrics.indexOf('memsight.agent.dropped_samples')], agent.outbox.droppedTotal, 'and counted in the metric');
  });
});

describe('node agent config', () => {
  test('environment, arguments over environment, and bad values fall back with a warning', () => {
    const warnings: string[] = [];
    const c = loadConfig({ interval: 2 }, { MEMSIGHT_INTERVAL: '5', MEMSIGHT_FLUSH_INTERVAL: 'soon', MEMSIGHT_LABELS: 'env=prod,region=eu', MEMSIGHT_APP: 'checkout' }, (m) => warnings.push(m));
    assert.equal(c.interval, 2);
    assert.equal(c.flushInterval, 10);
    assert.deepEqual(c.labels, { env: 'prod', region: 'eu' });
    assert.equal(c.app, 'checkout');
    assert.match(warnings.join('\n'), /MEMSIGHT_FLUSH_INTERVAL="soon" is not valid \(expected a number\); using the default 10/);
  });

  test('the GC probe: on every 180 s up to a 50 ms pause by default, 0 turns it off, a negative interval is refused', () => {
    assert.deepEqual([loadConfig({}, {}).gcProbe, loadConfig({}, {}).gcProbeMaxPause], [180, 0.05]);
    assert.equal(loadConfig({}, { MEMSIGHT_GC_PROBE: '0' }).gcProbe, 0);
    const warnings: string[] = [];
    const c = loadConfig({ gcProbeMaxPause: 0.2 }, { MEMSIGHT_GC_PROBE: '-5' }, (m) => warnings.push(m));
    assert.deepEqual([c.gcProbe, c.gcProbeMaxPause], [180, 0.2]);
    assert.match(warnings.join('\n'), /MEMSIGHT_GC_PROBE="-5" is not valid/);
  });

  test('a bad endpoint disables the agent instead of throwing', () => {
    const warnings: string[] = [];
    assert.equal(loadConfig({ endpoint: 'nonsense://x' }, {}, (m) => warnings.push(m)).disabled, true);
    assert.match(warnings[0]!, /not an http/);
    assert.equal(loadConfig({}, { MEMSIGHT_DISABLED: 'yes' }).disabled, true);
  });
});
