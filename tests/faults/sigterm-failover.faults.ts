// Fault 4: SIGTERM to one of two ingest processes under load. The one
// stopping finishes what it has in flight, answers new requests on kept-alive
// connections 503 (Retry-After, Connection: close) and then refuses
// connections; the front (a load balancer's part: the agents take one
// endpoint) moves to the other process. No sample is lost or stored twice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultPostgres, sleep } from './lib/fault-postgres';
import { Front } from './lib/front';
import { Fleet } from './lib/fleet';
import { BULK_APP, bulkSenders } from './lib/bulk';
import { createTenant, lost, report, startIngest, storedFor, type Proc } from './lib/stack';

const pg = new FaultPostgres();
const ingests: { proc: Proc; url: string }[] = [];

before(async () => {
  await pg.start();
  await pg.migrate();
  ingests.push(await startIngest(pg.url), await startIngest(pg.url));
});
after(async () => {
  for (const i of ingests) await i.proc.stop();
  await pg.close();
});

test('SIGTERM to one of two ingest processes under load: in-flight requests finish, the agents fail over, nothing lost or doubled', { timeout: 180_000 }, async () => {
  const tenant = await createTenant('faults-sigterm', pg.url);
  const front = await new Front(ingests.map((i) => i.url)).listen();
  const bulkTenant = await createTenant('faults-sigterm-bulk', pg.url);
  const fleet = new Fleet({ agents: 50, endpoint: front.url, apiKey: tenant.apiKey }).start();
  // Large batches too, so that requests are in flight when the signal lands.
  const bulk = bulkSenders(front.url, bulkTenant.apiKey, 4);
  try {
    await sleep(6_000);
    const [first] = ingests;
    const exited = new Promise<number | null>((resolve) => first!.proc.child!.once('exit', (code) => resolve(code)));
    const inflightAtSigterm = front.inflightOn(first!.url);
    first!.proc.child!.kill('SIGTERM');
    const code = await exited;
    await sleep(8_000);
    await bulk.stop();
    assert.ok(await fleet.drained(60_000), 'the agents caught up');
    await fleet.stop();
    const totals = fleet.totals();
    const stored = await storedFor(pg.url, tenant.projectId);
    const bulkStored = await storedFor(pg.url, bulkTenant.projectId, BULK_APP);
    report('sigterm-failover', {
      sent: totals.built, stored: stored.samples, duplicated: stored.duplicated, droppedReported: totals.droppedAtCap, lost: lost(totals, stored),
      answered503: front.count(503), answered500: front.count(500), unreachable: front.unreachable, inflightAtSigterm: inflightAtSigterm.length,
      inflightAnswered: inflightAtSigterm.filter((t) => t.answered).length, retriedElsewhere: front.cut, bulkAcked: bulk.stats.samples, bulkStored: bulkStored.samples,
      exitCode: String(code), peakAgentOutboxBytes: totals.peakOutboxBytes,
    });
    assert.equal(code, 0, `the stopped ingest exited cleanly\n${first!.proc.tail()}`);
    assert.equal(front.count(500), 0);
    assert.ok(inflightAtSigterm.every((t) => t.answered), 'every request in flight on the stopping process got its answer');
    assert.equal(bulk.stats.refused, 0);
    assert.equal(bulkStored.samples, bulk.stats.samples, 'every acknowledged bulk batch stored once');
    assert.equal(front.missingRetryAfter, 0);
    assert.equal(lost(totals, stored), 0, 'no sample lost');
    assert.equal(stored.duplicated, 0);
    assert.equal(stored.batches, totals.batches, 'each batch stored once');
  } finally {
    await bulk.stop();
    await fleet.stop();
    await front.close();
    await tenant.pool.end().catch(() => {});
    await bulkTenant.pool.end().catch(() => {});
  }
});
