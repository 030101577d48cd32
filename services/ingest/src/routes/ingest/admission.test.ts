// The rate limit charges before the body is read (lib/ingest-admission.ts):
// a body over the project's budget is refused from its Content-Length alone,
// every batch costs something, empty ones too, and a project's bodies in
// decoding at once are bounded. Refusals are held before they are answered
// (lib/refusal-delay.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTenant, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';
import { seedBatch } from '../../testing/seed';
import { IngestAdmission, MIN_VALUES_PER_BATCH } from '../../lib/ingest-admission';
import { TokenBuckets } from '../../lib/token-bucket';

describe('ingest admission', () => {
  let tenant: Tenant;
  let app: FastifyInstance;
  let url: string;
  // A clock that stands still: no tokens refill during the test, however slow the machine.
  const clock = new ManualClock();
  const RATE = 4 * MIN_VALUES_PER_BATCH;
  const REFUSAL_DELAY_MS = 600;

  before(async () => {
    tenant = await createTenant('admission');
    ({ app, url } = await startTestIngest({ rateLimitSamplesPerSecond: RATE, refusalDelayMs: REFUSAL_DELAY_MS }, clock));
  });
  after(async () => {
    await app?.close();
    await tenant?.cleanup();
  });

  const post = (body: string) =>
    fetch(`${url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` }, body });
  const empty = (seq: number) => JSON.stringify(seedBatch({ id: 'admission-1', app: 'admission', metrics: ['process.memory.rss'], samples: [], startedAt: clock.ms - 1000, seq }));

  test('batches of zero samples cost the minimum: a budget of four is spent by four', async () => {
    for (let seq = 1; seq <= 4; seq++) assert.equal((await post(empty(seq))).status, 200, `empty batch ${seq}`);
    const limited = await post(empty(5));
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });

  test('a refusal is held for the refusal delay before it is answered, and another project is answered meanwhile', async () => {
    const other = await createTenant('admission-other');
    try {
      const order: string[] = [];
      const started = performance.now();
      const refused = post(empty(5)).then((r) => (order.push('refused'), { status: r.status, ms: performance.now() - started }));
      const answered = fetch(`${url}/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${other.apiKey}` },
        body: JSON.stringify(seedBatch({ id: 'admission-other-1', app: 'admission-other', metrics: ['process.memory.rss'], samples: [], startedAt: clock.ms - 1000, seq: 1 })),
      }).then((r) => (order.push('other'), r.status));
      const [limited, status] = await Promise.all([refused, answered]);
      assert.equal(limited.status, 429);
      assert.ok(limited.ms >= REFUSAL_DELAY_MS - 50, `answered after ${limited.ms.toFixed(0)} ms`);
      assert.equal(status, 200);
      assert.deepEqual(order, ['other', 'refused'], 'the held refusal did not hold up another project');
    } finally {
      await other.cleanup();
    }
  });

  test('a large body over the budget is refused before it is decoded: garbage is answered 429, not 400', async () => {
    clock.ms += 10_000; // the bucket refills
    assert.equal((await post(empty(6))).status, 200);
    // 2 MB of garbage: decoding it would answer 400 invalid_json.
    const limited = await post('x'.repeat(2 * 1024 * 1024));
    assert.equal(limited.status, 429, await limited.text());
  });
});

test('past its in-flight bytes a project is refused, another project is not, and decoded bodies stop counting', () => {
  const admission = new IngestAdmission(new TokenBuckets(0, () => 0), 10_000_000);
  const first = admission.reserve('p', 6_000_000, false);
  assert.equal(first.wait, 0, 'one body always passes');
  const second = admission.reserve('p', 6_000_000, false);
  assert.deepEqual([second.wait, second.busy], [1, true]);
  assert.equal(admission.reserve('q', 6_000_000, false).wait, 0, 'another project is not held up');
  admission.settle(first.reservation, 1000);
  assert.equal(admission.reserve('p', 6_000_000, false).wait, 0);
});

test('a batch the decoder refused before decoding it is refunded down to the minimum; one it decoded and refused is not', () => {
  const rate = 10 * MIN_VALUES_PER_BATCH;
  const admission = new IngestAdmission(new TokenBuckets(rate, () => 0));
  // 40 KB at the prior 0.1 values a byte: 4,000 values, most of the bucket.
  const big = () => admission.reserve('p', 40_000, false);
  const first = big();
  assert.equal(first.wait, 0);
  admission.refund(first.reservation);
  // Refunded: the bucket holds 5,000 - 500 again, enough for the retry.
  const retry = big();
  assert.equal(retry.wait, 0, 'the retry of a refused batch is not refused for a cost it never incurred');
  admission.forfeit(retry.reservation);
  // Forfeited (decoded, then refused as a bad body): the 4,000 stay spent, and 500 are left.
  assert.ok(big().wait > 0, 'a decoded bad body keeps its charge');
});
