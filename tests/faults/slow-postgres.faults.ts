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
import { seedBatch } from '../../services/ingest/src/test/seed';
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

/** Senders of 5 000-sample batches that retry each batch (same seq) until it is acknowledged, as agents do. */
function bulkSenders(url: string, apiKey: string, senders: number) {
  const stats = { acknowledged: 0, samples: 0, refused: 0, answers: new Map<number, number>() };
  let running = true;
  let giveUpAt = Infinity; // once stopped, a batch still unacknowledged a minute later is given up (and counted)
  const one = async (n: number) => {
    for (let seq = 1; running; seq++) {
      const t0 = Date.now() - 3_600_000 + seq * 5_000;
      const samples = Array.from({ length: 5_000 }, (_, i): [number, number] => [t0 + i, i]);
      const body = JSON.stringify(seedBatch({ id: `bulk-sender-${n}`, app: 'bulk', metrics: ['process.memory.rss'], samples, seq }));
      let status = 0;
      for (;;) {
        status = await fetch(`${url}/v1/ingest`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body, signal: AbortSignal.timeout(10_000),
        }).then(async (r) => (await r.arrayBuffer(), r.status), () => 0);
        stats.answers.set(status, (stats.answers.get(status) ?? 0) + 1);
        // Like an agent: 429 and 5xx (or no answer) are retried, any other 4xx is final.
        if (status === 200 || (status >= 400 && status < 500 && status !== 429) || Date.now() > giveUpAt) break;
        await sleep(500);
      }
      if (status !== 200) {
        stats.refused++;
        continue;
      }
      stats.acknowledged++;
      stats.samples += samples.length;
    }
  };
  const loops = Array.from({ length: senders }, (_, n) => one(n));
  return { stats, stop: async () => ((running = false), (giveUpAt = Math.min(giveUpAt, Date.now() + 60_000)), await Promise.all(loops)) };
}

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
    const bulkStored = await storedFor(pg.url, bulkTenant.projectId, 'bulk');
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
