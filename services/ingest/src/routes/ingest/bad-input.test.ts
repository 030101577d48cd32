// Bad input: every case gets its documented error, the service keeps serving,
// and what was stored before is unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { goldenNames, readGolden, readGoldenText, rebaseBatch } from '@memsight/contracts/golden';
import { createTenant, gzipJson, ManualClock, startTestIngest, type Tenant } from '../../testing/harness';

const BODY_LIMIT = 1024 * 1024;

describe('bad input to POST /v1/ingest', () => {
  let tenant: Tenant;
  let url: string;
  let close: () => Promise<void>;
  let fingerprint: () => Promise<string>;

  before(async () => {
    tenant = await createTenant('bad-input');
    const started = await startTestIngest({ bodyLimitBytes: BODY_LIMIT, rateLimitSamplesPerSecond: 0 });
    url = started.url;
    close = () => started.app.close();
    // Store something first, so "unchanged" is checked against real data.
    const seed = rebaseBatch(readGolden('valid', 'python-batch'), Date.now());
    assert.equal((await post(JSON.stringify(seed))).status, 200);
    fingerprint = async () =>
      JSON.stringify((await tenant.pool.query(
        `SELECT s.instance_id, s.ts, s.values FROM samples s JOIN instances i ON i.id = s.instance_id
          WHERE i.project_id = $1 ORDER BY 1, 2`,
        [tenant.projectId],
      )).rows);
  });
  after(async () => {
    await close();
    await tenant.cleanup();
  });

  function post(body: string | Buffer, headers: Record<string, string> = {}, key: string | null = tenant.apiKey) {
    return fetch(`${url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
      body: body as BodyInit,
    });
  }

  async function expectError(res: Response, status: number, code: string): Promise<string> {
    const text = await res.text();
    assert.equal(res.status, status, text);
    const body = JSON.parse(text);
    assert.equal(body.error.code, code, text);
    assert.ok(body.error.message.length > 10, 'the message says what to do');
    assert.doesNotMatch(text, /\bat .*\.(ts|js):\d+/, 'no stack trace');
    return body.error.message;
  }

  async function unchangedAndServing(work: () => Promise<void>) {
    const before = await fingerprint();
    await work();
    assert.equal((await fetch(`${url}/livez`)).status, 200, 'still serving');
    assert.equal(await fingerprint(), before, 'stored data unchanged');
  }

  test('malformed JSON gets 400 invalid_json saying where', () =>
    unchangedAndServing(async () => {
      const message = await expectError(await post('{"v":1,"agent":'), 400, 'invalid_json');
      assert.match(message, /JSON/);
    }));

  test('a NaN literal is not JSON: 400 invalid_json', () =>
    unchangedAndServing(async () => {
      const message = await expectError(await post(readGoldenText('invalid', 'nan-literal')), 400, 'invalid_json');
      assert.match(message, /NaN/);
    }));

  test('a __proto__ key gets 400 invalid_json', () =>
    unchangedAndServing(async () => {
      const message = await expectError(await post(readGoldenText('invalid', 'proto-key')), 400, 'invalid_json');
      assert.match(message, /__proto__/);
    }));

  test('every schema-invalid golden batch gets 400 invalid_body with the path', () =>
    unchangedAndServing(async () => {
      const names = goldenNames('invalid').filter((n) => !['nan-literal', 'proto-key'].includes(n));
      assert.ok(names.length >= 5);
      for (const name of names) {
        const res = await post(readGoldenText('invalid', name));
        const body = await res.json();
        assert.equal(res.status, 400, name);
        assert.equal(body.error.code, 'invalid_body', name);
        assert.ok(Array.isArray(body.error.details) && body.error.details[0].path, `${name} names the path`);
      }
    }));

  test('missing, wrong and revoked keys get 401', () =>
    unchangedAndServing(async () => {
      const body = JSON.stringify(rebaseBatch(readGolden('valid', 'node-batch'), Date.now()));
      assert.match(await expectError(await post(body, {}, null), 401, 'unauthorized'), /Authorization: Bearer/);
      assert.match(await expectError(await post(body, {}, 'msk_not-a-real-key'), 401, 'unauthorized'), /Unknown API key/);
      assert.match(await expectError(await post(body, {}, tenant.revokedKey), 401, 'unauthorized'), /revoked/);
      assert.match(await expectError(await post(body, { authorization: 'Basic abc' }, null), 401, 'unauthorized'), /Bearer/);
    }));

  test('a body over the limit gets 413', () =>
    unchangedAndServing(async () => {
      const big = JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT + 10) });
      await expectError(await post(big), 413, 'payload_too_large');
    }));

  test('a gzip bomb (1 MB expanding past 100 MB) gets 413 and memory stays flat', () =>
    unchangedAndServing(async () => {
      const bomb = gzipSync(Buffer.alloc(120 * 1024 * 1024, 0x20), { level: 9 });
      assert.ok(bomb.length < 1024 * 1024, `bomb is ${bomb.length} bytes compressed`);
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      await expectError(await post(bomb, { 'content-encoding': 'gzip' }), 413, 'payload_too_large');
      const grew = process.memoryUsage().rss - rssBefore;
      assert.ok(grew < 40 * 1024 * 1024, `RSS grew ${(grew / 1048576).toFixed(1)} MB while refusing the bomb`);
    }));

  test('corrupt gzip and unknown encodings get clear errors', () =>
    unchangedAndServing(async () => {
      await expectError(await post(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }), 400, 'invalid_request');
      await expectError(await post('{}', { 'content-encoding': 'br' }), 415, 'unsupported_encoding');
    }));

  test('non-finite values and timestamps too far off are rejected one by one', async () => {
    const now = Date.now();
    const batch = rebaseBatch(readGolden('valid', 'node-batch'), now);
    batch.instance.id = 'partial-node-0001';
    batch.samples[0]!.ts = now - 30 * 86_400_000; // a month old
    batch.samples[1]!.ts = now + 3_600_000; // an hour ahead
    const text = JSON.stringify(batch).replace('"values":[' + batch.samples[2]!.values[0], '"values":[1e999');
    const res = await post(text);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.accepted, batch.samples.length - 3);
    assert.equal(body.rejected, 3);
    assert.deepEqual(body.rejections.map((r: any) => [r.index, r.code]), [
      [0, 'timestamp_too_old'],
      [1, 'timestamp_in_future'],
      [2, 'non_finite_value'],
    ]);
    const stored = await tenant.pool.query(
      `SELECT count(*)::int AS n FROM samples s JOIN instances i ON i.id = s.instance_id WHERE i.agent_instance_id = 'partial-node-0001'`,
    );
    assert.equal(stored.rows[0].n, batch.samples.length - 3);
  });

  test('the partial golden vectors are answered with per-sample reasons', async () => {
    for (const name of ['value-count-mismatch', 'duplicate-timestamp']) {
      const batch = rebaseBatch(readGolden('partial', name), Date.now());
      batch.instance.id = `partial-${name}`;
      const body = await (await post(JSON.stringify(batch))).json();
      assert.equal(body.rejected, 1, name);
      assert.equal(body.rejections[0].code, name.replace(/-/g, '_'), name);
    }
  });

  test('a gzip body that expands within the limit is accepted', async () => {
    const batch = rebaseBatch(readGolden('valid', 'node-batch'), Date.now());
    batch.instance.id = 'gzip-ok-0001';
    assert.equal((await post(gzipJson(batch), { 'content-encoding': 'gzip' })).status, 200);
  });
});

describe('rate limiting', () => {
  test('a project over its rate gets 429 with Retry-After', async () => {
    const tenant = await createTenant('rate');
    // A clock that stands still: no tokens refill between the two requests, however slow the machine.
    const clock = new ManualClock();
    const { app, url } = await startTestIngest({ rateLimitSamplesPerSecond: 100 }, clock);
    try {
      const batch = rebaseBatch(readGolden('valid', 'node-batch'), clock.ms); // 60 values
      const send = (seq: number) =>
        fetch(`${url}/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
          body: JSON.stringify({ ...batch, seq }),
        });
      assert.equal((await send(1)).status, 200);
      const limited = await send(2);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal((await limited.json()).error.code, 'rate_limited');
    } finally {
      await app.close();
      await tenant.cleanup();
    }
  });
});
