// Fault 1: PostgreSQL stopped, then hung (SIGSTOP), for OUTAGE_SECONDS each,
// while 50 real agents send at 1 Hz through a counting front. Ingest must
// answer 503 with Retry-After (never 500, never hang past the agents' 5 s
// timeout), /readyz must fail fast and then recover, ingest must not crash,
// and afterwards every sample the agents built is stored exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultPostgres, sleep } from './lib/fault-postgres';
import { Front } from './lib/front';
import { Fleet } from './lib/fleet';
import { createTenant, lost, MB, OUTAGE_SECONDS, Probe, report, RssWatch, startIngest, storedFor, type Proc, type Tenant } from './lib/stack';

const AGENTS = 50;

describe(`PostgreSQL down for ${OUTAGE_SECONDS} s while ${AGENTS} agents send`, () => {
  const pg = new FaultPostgres();
  let ingest: { proc: Proc; url: string };
  const tenants: Tenant[] = [];

  before(async () => {
    await pg.start();
    await pg.migrate();
    ingest = await startIngest(pg.url);
  });
  after(async () => {
    pg.resume();
    await ingest?.proc.stop();
    for (const t of tenants) await t.pool.end().catch(() => {});
    await pg.close();
  });

  /** /readyz every 500 ms: how it answered, and its slowest answer. */
  const watchReadyz = () => {
    const seen = { ok: 0, failed: 0, slowestMs: 0, firstOkAfterFault: NaN };
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const started = performance.now();
        const status = await fetch(`${ingest.url}/readyz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 0);
        seen.slowestMs = Math.max(seen.slowestMs, performance.now() - started);
        if (status === 200) seen.ok++;
        else seen.failed++;
        await sleep(500);
      }
    })();
    return { seen, stop: async () => ((stopped = true), await loop) };
  };

  for (const kind of ['stopped', 'hung'] as const) {
    test(`PostgreSQL ${kind}: 503 with Retry-After, /readyz fails then recovers, every sample stored once`, { timeout: (OUTAGE_SECONDS * 3 + 180) * 1000 }, async () => {
      const tenant = await createTenant(`faults-${kind}`, pg.url);
      const other = await createTenant(`faults-${kind}-other`, pg.url);
      tenants.push(tenant, other);
      const front = await new Front([ingest.url]).listen();
      const fleet = new Fleet({ agents: AGENTS, endpoint: front.url, apiKey: tenant.apiKey }).start();
      const probe = new Probe(ingest.url, other.apiKey).start();
      const rss = new RssWatch(ingest.proc.child!.pid!);
      try {
        await sleep(8_000);
        const before = { probeP99: probe.p(0.99), probed: probe.latencies.length };

        const faultAt = performance.now();
        if (kind === 'stopped') await pg.stop();
        else pg.hang();
        const readyz = watchReadyz();
        await sleep(OUTAGE_SECONDS * 1000);
        await readyz.stop();
        const during = { ...readyz.seen, status503: front.count(503), status500: front.count(500) };
        if (kind === 'stopped') await pg.restart();
        else pg.resume();
        const backAt = performance.now();
        let readyAfterMs = NaN;
        while (performance.now() - backAt < 60_000) {
          if ((await fetch(`${ingest.url}/readyz`).then((r) => r.status, () => 0)) === 200) {
            readyAfterMs = performance.now() - backAt;
            break;
          }
          await sleep(250);
        }

        // The agents back off exponentially during the outage (up to about the outage's length).
        assert.ok(await fleet.drained(OUTAGE_SECONDS * 2000 + 60_000), 'the agents caught up');
        await fleet.stop();
        probe.stop();
        const totals = fleet.totals();
        const stored = await storedFor(pg.url, tenant.projectId);
        const figures = {
          outageS: OUTAGE_SECONDS, sent: totals.built, stored: stored.samples, duplicated: stored.duplicated, droppedReported: totals.droppedAtCap,
          lost: lost(totals, stored), answered503: front.count(503), answered500: front.count(500), missingRetryAfter: front.missingRetryAfter,
          readyzFailed: during.failed, readyzSlowestMs: Math.round(during.slowestMs), readyAfterMs: Math.round(readyAfterMs),
          peakIngestRssMB: rss.stop() / MB, otherP99BeforeMs: before.probeP99, otherP99AfterMs: probe.p(0.99), faultS: Math.round((backAt - faultAt) / 1000),
          peakAgentOutboxBytes: totals.peakOutboxBytes,
        };
        report(`postgres-${kind}`, figures);

        assert.ok(ingest.proc.running, `ingest crashed\n${ingest.proc.tail()}`);
        assert.equal(front.count(500), 0, 'no 500s');
        assert.ok(front.count(503) > 0, 'ingest answered 503 while PostgreSQL was down');
        assert.equal(front.missingRetryAfter, 0, 'every 503 carried Retry-After');
        assert.ok(during.failed > 0 && during.ok === 0, '/readyz failed throughout the outage');
        assert.ok(during.slowestMs < 3_000, `/readyz answered within 3 s (slowest ${during.slowestMs} ms)`);
        assert.ok(Number.isFinite(readyAfterMs), '/readyz recovered');
        assert.equal(totals.droppedAtCap, 0, 'the outage fits in the agents’ buffers');
        assert.equal(figures.lost, 0, 'no sample lost');
        assert.equal(stored.duplicated, 0);
        assert.equal(stored.batches, totals.batches - totals.pendingBatches, 'each batch stored once');
      } finally {
        probe.stop();
        rss.stop();
        await fleet.stop();
        await front.close();
      }
    });
  }
});
