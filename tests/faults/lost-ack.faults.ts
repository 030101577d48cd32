// Fault 2: lost acknowledgements. The front hands each batch to ingest, ingest
// commits and answers 200, and the front then cuts the agent's connection
// instead of relaying the answer (a proxy timeout, a dropped NAT entry). The
// agent retries the same bytes (same seq); ingest answers "duplicate" and one
// set of rows remains.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultPostgres, sleep } from './lib/fault-postgres';
import { Front } from './lib/front';
import { Fleet } from './lib/fleet';
import { createTenant, lost, MB, report, RssWatch, startIngest, storedFor, type Proc } from './lib/stack';

const pg = new FaultPostgres();
let ingest: { proc: Proc; url: string };

before(async () => {
  await pg.start();
  await pg.migrate();
  ingest = await startIngest(pg.url);
});
after(async () => {
  await ingest?.proc.stop();
  await pg.close();
});

test('acknowledgements lost after the commit: the agents retry and every sample is stored exactly once', { timeout: 180_000 }, async () => {
  const tenant = await createTenant('faults-lost-ack', pg.url);
  const front = await new Front([ingest.url]).listen();
  const fleet = new Fleet({ agents: 20, endpoint: front.url, apiKey: tenant.apiKey }).start();
  const rss = new RssWatch(ingest.proc.child!.pid!);
  try {
    await sleep(3_000);
    // Every third committed answer is lost, for 15 s.
    let answered = 0;
    front.loseAck = (status) => status === 200 && answered++ % 3 === 0;
    await sleep(15_000);
    front.loseAck = () => false;
    assert.ok(await fleet.drained(90_000), 'the agents caught up');
    await fleet.stop();
    const totals = fleet.totals();
    const stored = await storedFor(pg.url, tenant.projectId);
    report('lost-ack', {
      sent: totals.built, stored: stored.samples, duplicated: stored.duplicated, droppedReported: totals.droppedAtCap, lost: lost(totals, stored),
      lostAcks: front.lostAcks, answered200: front.count(200), batches: totals.batches, storedBatches: stored.batches, answered500: front.count(500),
      peakIngestRssMB: rss.stop() / MB, peakAgentOutboxBytes: totals.peakOutboxBytes,
    });
    assert.ok(front.lostAcks > 10, 'acknowledgements were lost');
    assert.equal(lost(totals, stored), 0, 'no sample lost');
    assert.equal(stored.duplicated, 0);
    assert.equal(stored.batches, totals.batches, 'each batch stored once');
    // Each lost answer was followed by a retry that ingest answered 200 (a duplicate): nothing else was answered 200.
    assert.equal(front.count(200), totals.batches + front.lostAcks, 'every retry of a committed batch was answered as a duplicate');
    assert.equal(front.count(500), 0);
  } finally {
    rss.stop();
    await fleet.stop();
    await front.close();
    await tenant.pool.end().catch(() => {});
  }
});
