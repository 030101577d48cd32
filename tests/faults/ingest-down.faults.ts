// Fault 3: ingest down (killed) for longer than the agents' buffers hold.
// Each agent keeps sampling, drops its oldest batches at the cap, counts them,
// and reports the count (memsight.agent.dropped_samples and the batch's
// `dropped`) once ingest is back; the host's work loop never waits on it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultPostgres, sleep } from './lib/fault-postgres';
import { Front } from './lib/front';
import { Fleet } from './lib/fleet';
import { createTenant, lost, OUTAGE_SECONDS, report, startIngest, storedFor, type Proc } from './lib/stack';

const pg = new FaultPostgres();
let ingest: { proc: Proc; url: string } | undefined;
// About five one-sample batches of the Node agent: a 20 s outage overflows it fourfold.
const BUFFER_BYTES = 12_000;
const DOWN_SECONDS = Math.min(OUTAGE_SECONDS, 20);

before(async () => {
  await pg.start();
  await pg.migrate();
  ingest = await startIngest(pg.url);
});
after(async () => {
  await ingest?.proc.stop();
  await pg.close();
});

test(`ingest down ${DOWN_SECONDS} s, longer than the agents' buffers: oldest dropped at the cap, the drops reported, nothing else lost`, { timeout: 180_000 }, async () => {
  const tenant = await createTenant('faults-ingest-down', pg.url);
  const front = await new Front([ingest!.url]).listen();
  const fleet = new Fleet({ agents: 20, endpoint: front.url, apiKey: tenant.apiKey, bufferBytes: BUFFER_BYTES }).start();
  try {
    await sleep(4_000);
    const loopBefore = fleet.loopDelay.percentile(99) / 1e6;
    fleet.loopDelay.reset();
    await ingest!.proc.crash();
    await sleep(DOWN_SECONDS * 1000);
    const loopDuring = fleet.loopDelay.percentile(99) / 1e6;
    const maxDuring = fleet.loopDelay.max / 1e6;
    ingest = await startIngest(pg.url);
    front.backends = [ingest.url];
    assert.ok(await fleet.drained(DOWN_SECONDS * 2000 + 60_000), 'the agents caught up');
    await fleet.stop();
    const totals = fleet.totals();
    const stored = await storedFor(pg.url, tenant.projectId);
    report('ingest-down', {
      downS: DOWN_SECONDS, bufferBytes: BUFFER_BYTES, sent: totals.built, stored: stored.samples, duplicated: stored.duplicated,
      droppedAtCap: totals.droppedAtCap, droppedReported: stored.reportedDropped, lost: Math.max(0, lost(totals, stored)), droppedYetStored: Math.max(0, -lost(totals, stored)),
      hostLoopP99BeforeMs: loopBefore, hostLoopP99DuringMs: loopDuring, hostLoopMaxDuringMs: maxDuring,
      peakAgentOutboxBytes: totals.peakOutboxBytes,
    });
    assert.ok(totals.droppedAtCap > 0, 'the outage overflowed the buffers');
    // The cap holds: past it the oldest go, so an outbox never holds more than the cap and the batch just built.
    assert.ok(totals.peakOutboxBytes <= BUFFER_BYTES * 1.5, `an agent's outbox held at most its cap (peak ${totals.peakOutboxBytes} B)`);
    // A batch dropped at the cap while in flight may still have been committed: counted dropped, yet stored.
    // So nothing is lost when stored + dropped covers what was built, and that slack is at most the agents' in-flight batches.
    assert.ok(lost(totals, stored) <= 0, `every sample not dropped at the cap was stored (${lost(totals, stored)} missing)`);
    assert.ok(-lost(totals, stored) <= fleet.agents.length, 'dropped yet stored: at most one in-flight batch per agent');
    assert.ok(stored.samples <= totals.built);
    assert.equal(stored.duplicated, 0);
    assert.equal(stored.reportedDropped, totals.reportedDropped, 'the agents reported every drop in their samples');
    assert.ok(loopDuring < 100, `the host's loop did not wait on the agents (p99 timer delay ${loopDuring.toFixed(1)} ms)`);
  } finally {
    await fleet.stop();
    await front.close();
    await tenant.pool.end().catch(() => {});
  }
});
