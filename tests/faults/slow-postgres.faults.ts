// Fault 6: a slow PostgreSQL. Its processes are stopped 950 ms of every
// second (SIGSTOP/SIGCONT on the postmaster and its backends) while the agents
// and a bulk sender push more than it can then take. Ingest must shed load
// with 503 + Retry-After (never 500), keep its queue and its memory bounded,
// and afterwards hold every acknowledged sample exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultPostgres, sleep } from './lib/fault-postgres';
import { Front } from './lib/front';
import { Fleet } from './lib/fleet';
import { BULK_APP, bulkSenders } from './lib/bulk';
import { createTenant, lost, MB, OUTAGE_SECONDS, Probe, report, RssWatch, startIngest, storedFor, type Proc } from './lib/stack';

const pg = new FaultPostgres();
let ingest: { proc: Proc; url: string };
const SLOW_SECONDS = Math.min(OUTAGE_SECONDS, 30);
// A small queue cap, so the cap is what sheds (the default is 200 000 rows).
const MAX_QUEUED_ROWS = 20_000;

before(async () => {
  await pg.start();
  await pg.migrate();
  ingest = await startIngest(pg.url, { INGEST_MAX_QUEUED_ROWS: String(MAX_QUEUED_ROWS) });
});
after(async () => {
  pg.resume();
  await ingest?.proc.stop();
  await pg.close();
});

test(`PostgreSQL runnable 5% of the time for ${SLOW_SECONDS} s under load: ingest sheds with 503, stays bounded, loses nothing acknowledged`, { timeout: 240_000 }, async () => {
  const tenant = await createTenant('faults-slow', pg.url);
  const other = await createTenant('faults-slow-other', pg.url);
  const bulkTenant = await createTenant('faults-slow-bulk', pg.url);
  const front = await new Front([ingest.url]).listen();
  const fleet = new Fleet({ agents: 50, endpoint: front.url, apiKey: tenant.apiKey }).start();
  const probe = new Probe(ingest.url, other.apiKey).start();
  const bulk = bulkSenders(ingest.url, bulkTenant.apiKey, 12);
  const rss = new RssWatch(ingest.proc.child!.pid!);
  try {
    await sleep(5_000);
    const baselineRss = rss.peakBytes;
    const probeBefore = probe.p(0.99);
    pg.slowDown(50, 950);
    await sleep(SLOW_SECONDS * 1000);
    pg.resume();
    const peakRss = rss.peakBytes;
    await bulk.stop();
    assert.ok(await fleet.drained(120_000), 'the agents caught up');
    await fleet.stop();
    probe.stop();
    const totals = fleet.totals();
    const stored = await storedFor(pg.url, tenant.projectId);
    const bulkStored = await storedFor(pg.url, bulkTenant.projectId, BULK_APP);
    const shed = (bulk.stats.answers.get(503) ?? 0) + front.count(503);
    report('slow-postgres', {
      slowS: SLOW_SECONDS, sent: totals.built, stored: stored.samples, duplicated: stored.duplicated, droppedReported: totals.droppedAtCap, lost: lost(totals, stored),
      bulkAcked: bulk.stats.samples, bulkRefused: bulk.stats.refused, bulkStored: bulkStored.samples, answered503: shed, answered500: front.count(500) + (bulk.stats.answers.get(500) ?? 0),
      bulkTimeouts: bulk.stats.answers.get(0) ?? 0, baselineRssMB: baselineRss / MB, peakIngestRssMB: peakRss / MB,
      otherP99BeforeMs: probeBefore, otherP99Ms: probe.p(0.99),
    });
    assert.ok(ingest.proc.running, `ingest crashed\n${ingest.proc.tail()}`);
    assert.ok(shed > 0, 'ingest shed load with 503');
    assert.equal(front.count(500) + (bulk.stats.answers.get(500) ?? 0), 0, 'no 500s');
    assert.equal(front.missingRetryAfter, 0);
    assert.ok(peakRss < baselineRss + 300 * MB, `ingest's memory stayed bounded (${(baselineRss / MB).toFixed(0)} → ${(peakRss / MB).toFixed(0)} MB)`);
    assert.equal(lost(totals, stored), 0, 'no agent sample lost');
    assert.equal(stored.duplicated, 0);
    assert.equal(bulk.stats.refused, 0, 'no bulk batch was refused');
    assert.equal(bulkStored.samples, bulk.stats.samples, 'every acknowledged bulk batch stored once, none of the unfinished one');
  } finally {
    pg.resume();
    probe.stop();
    rss.stop();
    await bulk.stop();
    await fleet.stop();
    await front.close();
    await tenant.pool.end().catch(() => {});
    await other.pool.end().catch(() => {});
    await bulkTenant.pool.end().catch(() => {});
  }
});
