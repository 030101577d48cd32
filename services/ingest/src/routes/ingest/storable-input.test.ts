// Issue 14 over HTTP: batches PostgreSQL would refuse get a 400 naming the
// field and never reach the group commit, so they cannot fail another
// tenant's batches committed with them; bodies nested deep enough to hurt
// the decode worker get a quick 400; a decode that does not answer in time
// gets a 503 rather than a request that hangs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { readGolden, readGoldenText, rebaseBatch, STORAGE_REFUSALS } from '@memsight/contracts/golden';
import type { IngestBatch } from '@memsight/contracts';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';

function post(url: string, key: string, body: string) {
  return fetch(`${url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
}

/** The storage goldens moved to now, so their samples and snapshots are in the window and would reach the writer. */
function storageGoldenNow(name: string, nowMs: number): string {
  const batch = JSON.parse(readGoldenText('invalid', name));
  const base = JSON.parse(readGoldenText('invalid', 'negative-seq')) as IngestBatch;
  const shift = nowMs - Math.max(...base.samples.map((s) => s.ts));
  const move = (ts: unknown) => (typeof ts === 'number' && ts < 1e13 ? ts + shift : ts);
  batch.instance.startedAt = move(batch.instance.startedAt);
  for (const s of batch.samples) s.ts = move(s.ts);
  for (const s of batch.snapshots ?? []) s.ts = move(s.ts);
  return JSON.stringify(batch);
}

describe('batches PostgreSQL would refuse', () => {
  let bad: Tenant;
  let good: Tenant;
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    [bad, good] = await Promise.all([createTenant('storable-bad'), createTenant('storable-good')]);
    // A flush interval long enough that concurrent batches share group commits.
    ({ app, url } = await startTestIngest({ rateLimitSamplesPerSecond: 0, flushIntervalMs: 20 }));
  });
  after(async () => {
    await app.close();
    await Promise.all([bad.cleanup(), good.cleanup()]);
  });

  test('each gets 400 invalid_body whose message names the field', async () => {
    const now = Date.now();
    for (const [name, field] of Object.entries(STORAGE_REFUSALS)) {
      const res = await post(url, bad.apiKey, storageGoldenNow(name, now));
      const text = await res.text();
      assert.equal(res.status, 400, `${name}: ${text}`);
      const body = JSON.parse(text);
      assert.equal(body.error.code, 'invalid_body', name);
      assert.ok(body.error.message.includes(` ${field}:`), `${name}: "${body.error.message}" names ${field}`);
    }
    const stored = await bad.pool.query('SELECT count(*)::int AS n FROM instances WHERE project_id = $1', [bad.projectId]);
    assert.equal(stored.rows[0].n, 0, 'not even the instance was written');
  });

  test('while they arrive, concurrent valid batches of another tenant are all stored', { timeout: 60_000 }, async () => {
    const valid = readGolden('valid', 'node-batch');
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      const now = Date.now();
      const bads = Object.keys(STORAGE_REFUSALS).map((name) => post(url, bad.apiKey, storageGoldenNow(name, now)));
      const goods = Array.from({ length: 10 }, (_, i) => {
        const batch = rebaseBatch(valid, now);
        batch.instance.id = `storable-good-${round}-${i}`;
        return post(url, good.apiKey, JSON.stringify(batch));
      });
      const [badAnswers, goodAnswers] = await Promise.all([Promise.all(bads), Promise.all(goods)]);
      for (const r of badAnswers) assert.equal(r.status, 400, await r.text());
      for (const r of goodAnswers) {
        const body = await r.json();
        assert.equal(r.status, 200, JSON.stringify(body));
        assert.equal(body.accepted, valid.samples.length);
      }
    }
    const { rows } = await good.pool.query(
      `SELECT count(*)::int AS n FROM samples s JOIN instances i ON i.id = s.instance_id WHERE i.project_id = $1`,
      [good.projectId],
    );
    assert.equal(rows[0].n, rounds * 10 * valid.samples.length, 'every sample of every valid batch is stored');
  });

  for (const levels of [10_000, 100_000]) {
    test(`a label nested ${levels} levels deep gets a quick 400 and the worker keeps serving`, { timeout: 30_000 }, async () => {
      const batch = rebaseBatch(readGolden('valid', 'node-batch'), Date.now());
      batch.instance.id = `storable-deep-${levels}`;
      const deep = JSON.stringify({ ...batch, instance: { ...batch.instance, labels: { '-x': '__DEEP__' } } }).replace(
        '"__DEEP__"',
        '['.repeat(levels) + ']'.repeat(levels),
      );
      const started = performance.now();
      // A valid batch in flight at the same time: had the worker died, it would fail too.
      const [deepRes, neighbour] = await Promise.all([post(url, bad.apiKey, deep), post(url, good.apiKey, JSON.stringify(batch))]);
      assert.ok(performance.now() - started < 5_000, 'answered in seconds, not a minute');
      const body = await deepRes.json();
      assert.equal(deepRes.status, 400);
      assert.equal(body.error.code, 'invalid_json');
      assert.match(body.error.message, /levels deep/);
      assert.equal(neighbour.status, 200, await neighbour.text());
    });
  }
});

describe('a decode worker that does not answer in time', () => {
  test('the request gets 503 decode_unavailable with Retry-After instead of hanging', { timeout: 60_000 }, async () => {
    const tenant = await createTenant('decode-timeout');
    // 1 ms: no real decode of a 5,000-sample batch answers that fast, so every request times out.
    const { app, url } = await startTestIngest({ rateLimitSamplesPerSecond: 0, decodeTimeoutMs: 1 });
    try {
      const golden = readGolden('valid', 'node-batch');
      const now = Date.now();
      const samples = Array.from({ length: 5_000 }, (_, i) => ({ ts: now - 5_000 + i, values: golden.samples[0]!.values }));
      const body = JSON.stringify({ ...golden, instance: { ...golden.instance, startedAt: now - 10_000 }, samples });
      const started = performance.now();
      const res = await post(url, tenant.apiKey, body);
      const answer = await res.json();
      assert.ok(performance.now() - started < 10_000, 'answered, not hung');
      assert.equal(res.status, 503, JSON.stringify(answer));
      assert.equal(answer.error.code, 'decode_unavailable');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.doesNotMatch(answer.error.message, /worker|Error|at .*\.ts/, 'nothing internal');
    } finally {
      await app.close();
      await tenant.cleanup();
    }
  });
});
