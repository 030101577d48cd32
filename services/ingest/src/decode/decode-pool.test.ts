// The worker protocol: every request ends (answer, timeout or 503), a failure
// fails only the requests it touched, and the queue is bounded per worker
// and per tenant. The stand-in worker (fixtures/crashing-worker.mjs) hangs,
// crashes or dawdles on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransferListItem } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { DecodePool, refusedBeforeDecoding } from './decode-pool';
import type { DecodeRequest } from './decode-batch';
import { answer, type WorkerAnswer } from './worker';

const FIXTURE = new URL('./fixtures/crashing-worker.mjs', import.meta.url);
const window = { nowMs: 0, maxAgeMs: 1, maxFutureMs: 1 };
const request = (text: string): DecodeRequest => ({ body: new Uint8Array(Buffer.from(text)), gzip: false, limitBytes: 1024, window });
const echoed = (r: Awaited<ReturnType<DecodePool['decode']>>) => (r.ok ? 'ok' : r.error.message);

async function withPool(opts: Partial<ConstructorParameters<typeof DecodePool>[0]>, run: (pool: DecodePool, errors: unknown[]) => Promise<void>) {
  const errors: unknown[] = [];
  const pool = new DecodePool({ size: 1, onError: (err) => errors.push(err), workerUrl: FIXTURE, ...opts });
  // The pool's workers and timers are unref'd (ingest's HTTP server keeps the process alive): this keeps the test's
  // event loop alive while a worker restarts.
  const alive = setInterval(() => {}, 1_000);
  try {
    await pool.ready();
    await run(pool, errors);
  } finally {
    clearInterval(alive);
    await pool.close();
  }
}

function assertUnavailable(reason: any, message: RegExp) {
  assert.equal(reason.statusCode, 503, String(reason));
  assert.equal(reason.code, 'decode_unavailable');
  assert.ok(Number(reason.headers['retry-after']) >= 1);
  assert.match(reason.message, message);
}

test('a request its worker never answers ends with 503 at the timeout, and the silent worker is replaced', { timeout: 20_000 }, async () => {
  await withPool({ timeoutMs: 300 }, async (pool, errors) => {
    const started = performance.now();
    const hung = await pool.decode(request('hang')).catch((e) => e);
    assert.ok(performance.now() - started < 2_000, 'ended near the timeout');
    assertUnavailable(hung, /took longer than 0.3s/);
    assert.equal(pool.inFlight, 0);
    // The hung worker was terminated and a fresh one answers.
    assert.equal(echoed(await pool.decode(request('after'))), 'after');
    assert.ok(errors.some((e) => /answered nothing/.test(String(e))), 'the restart is logged');
  });
});

test('a request stuck behind a busy worker times out alone; the worker keeps its other requests', { timeout: 20_000 }, async () => {
  await withPool({ timeoutMs: 1_000 }, async (pool, errors) => {
    // Each request keeps the worker busy 300 ms: it is answering, just slowly.
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => pool.decode(request(`slow:300 #${i}`))));
    assert.deepEqual(results.slice(0, 2).map((r) => r.status), ['fulfilled', 'fulfilled']);
    const late = results.filter((r) => r.status === 'rejected');
    assert.ok(late.length >= 1, 'the last ones waited past the timeout');
    for (const r of late) assertUnavailable((r as PromiseRejectedResult).reason, /took longer/);
    assert.equal(echoed(await pool.decode(request('still here'))), 'still here');
    assert.deepEqual(errors, [], 'the worker was not restarted while it was answering');
  });
});

test('a worker exit fails only its own requests, with a 503 that hides the cause', { timeout: 20_000 }, async () => {
  await withPool({ size: 2 }, async (pool) => {
    const [crashed, neighbour] = await Promise.allSettled([pool.decode(request('crash')), pool.decode(request('neighbour'))]);
    assertUnavailable((crashed as PromiseRejectedResult).reason, /restarted while handling this batch/);
    assert.doesNotMatch((crashed as PromiseRejectedResult).reason.message, /exit|code 3/);
    assert.equal(neighbour.status, 'fulfilled');
    assert.equal(echoed(await pool.decode(request('again'))), 'again');
  });
});

test('a request that cannot be posted fails alone', { timeout: 20_000 }, async () => {
  await withPool({}, async (pool, errors) => {
    const unclonable = { ...request('x'), window: { ...window, now: () => 0 } } as unknown as DecodeRequest;
    const [bad, good] = await Promise.allSettled([pool.decode(unclonable), pool.decode(request('fine'))]);
    assertUnavailable((bad as PromiseRejectedResult).reason, /could not be handed/);
    assert.equal(good.status === 'fulfilled' && echoed(good.value), 'fine');
    assert.equal(errors.length, 1, 'the post failure is logged');
    assert.equal(pool.inFlight, 0);
  });
});

test('the queue is bounded per worker (503) and per tenant (429), and frees up as answers come', { timeout: 20_000 }, async () => {
  await withPool({ size: 1, queuePerWorker: 4, tenantShare: 0.5, timeoutMs: 5_000 }, async (pool) => {
    const greedy = [pool.decode(request('slow:300 a'), 'greedy'), pool.decode(request('slow:300 b'), 'greedy')];
    // The greedy tenant holds its share (2 of 4): its third waits outside with 429.
    const refused = await pool.decode(request('c'), 'greedy').catch((e) => e);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.code, 'rate_limited');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    // Another tenant still gets in, up to the worker's bound.
    const others = [pool.decode(request('d'), 'polite'), pool.decode(request('e'), 'other')];
    const full = await pool.decode(request('f'), 'third').catch((e) => e);
    assertUnavailable(full, /busy/);
    assert.deepEqual((await Promise.all([...greedy, ...others])).map(echoed), ['slow:300 a', 'slow:300 b', 'd', 'e']);
    assert.equal(echoed(await pool.decode(request('g'), 'greedy')), 'g', 'answered requests give the share back');
  });
});

test('close ends every request in flight', { timeout: 20_000 }, async () => {
  const pool = new DecodePool({ size: 1, onError: () => {}, workerUrl: FIXTURE });
  await pool.ready();
  const pending = pool.decode(request('hang')).catch((e) => e);
  await new Promise((r) => setTimeout(r, 50));
  await pool.close();
  assertUnavailable(await pending, /shutting down/);
});

test('the worker posts exactly one answer per request, even when the first cannot be sent', () => {
  const posted: WorkerAnswer[] = [];
  const post = (a: WorkerAnswer, _t: TransferListItem[]) => {
    if (posted.length === 0 && a.fault === undefined) {
      posted.push(a);
      throw new DOMException('could not clone', 'DataCloneError');
    }
    posted.push(a);
  };
  answer(7, request('{}'), post);
  const last = posted.at(-1)!;
  assert.equal(posted.length, 2);
  assert.equal(last.id, 7);
  assert.ok(!last.result.ok);
  assert.equal(last.result.error.status, 500);
  assert.doesNotMatch(last.result.error.message, /clone/, 'the client does not see the internal cause');
  assert.match(last.fault!, /could not clone/, 'the log does');
});

test('a decode that throws answers a generic 500 and reports the cause for the log', () => {
  const posted: WorkerAnswer[] = [];
  // A body that is not a Uint8Array makes decodeBatch throw a TypeError, not an AppError.
  answer(1, { ...request('x'), body: null } as unknown as DecodeRequest, (a) => posted.push(a));
  assert.equal(posted.length, 1);
  assert.ok(!posted[0]!.result.ok);
  assert.equal(posted[0]!.result.error.code, 'internal');
  assert.doesNotMatch(posted[0]!.result.error.message, /TypeError|null/);
  assert.match(posted[0]!.fault!, /TypeError/);
});

test('with two workers a small body never waits behind large ones: the first worker is kept for small bodies', { timeout: 20_000 }, async () => {
  await withPool({ size: 2, timeoutMs: 10_000 }, async (pool) => {
    const pad = ' '.repeat(70 * 1024); // over SMALL_BODY_BYTES: a large body
    const order: string[] = [];
    const track = (p: Promise<unknown>, name: string) => p.then(() => order.push(name));
    const large = Array.from({ length: 3 }, (_, i) => track(pool.decode({ ...request(`slow:400 large-${i}${pad}`), limitBytes: 1 << 20 }, 'flood'), `large-${i}`));
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await track(pool.decode(request('small'), 'quiet'), 'small');
    assert.ok(performance.now() - started < 300, `the small body was answered in ${Math.round(performance.now() - started)} ms, not after the large ones`);
    await Promise.all(large);
    assert.deepEqual(order, ['small', 'large-0', 'large-1', 'large-2'], 'the large bodies are decoded one at a time, in order');
  });
});

test("queued requests are taken fairly: another tenant's request goes ahead of a backlog", { timeout: 20_000 }, async () => {
  await withPool({ size: 1, timeoutMs: 10_000 }, async (pool) => {
    const order: string[] = [];
    const track = (p: Promise<unknown>, name: string) => p.then(() => order.push(name));
    const backlog = Array.from({ length: 4 }, (_, i) => track(pool.decode(request(`slow:100 b${i}`), 'backlog'), `b${i}`));
    const other = track(pool.decode(request('other'), 'other'), 'other');
    await Promise.all([...backlog, other]);
    // b0 was already on the worker; the other tenant's request is next.
    assert.deepEqual(order, ['b0', 'other', 'b1', 'b2', 'b3']);
  });
});

test('the timeout counts queued time for the client, but a worker is restarted only when silent on its own request', { timeout: 20_000 }, async () => {
  await withPool({ size: 1, timeoutMs: 500 }, async (pool, errors) => {
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => pool.decode(request(`slow:200 #${i}`))));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    for (const r of results.slice(2)) assertUnavailable((r as PromiseRejectedResult).reason, /took longer than 0.5s/);
    assert.deepEqual(errors, [], 'every request the worker held was answered within the bound: no restart');
  });
});

test('a body that takes its worker down twice is refused with 422 from then on, without reaching a worker', { timeout: 30_000 }, async () => {
  await withPool({ size: 1 }, async (pool, errors) => {
    const first = await pool.decode(request('crash #1'), 'tenant-a').catch((e) => e);
    assertUnavailable(first, /restarted while handling this batch/);
    // The second crash makes it poison: answered 422 at once, so the agent drops it instead of retrying.
    const second = await pool.decode(request('crash #1'), 'tenant-a');
    assert.deepEqual([second.ok, !second.ok && second.error.status, !second.ok && second.error.code], [false, 422, 'undecodable_body']);
    const restarts = errors.length;
    const third = await pool.decode(request('crash #1'), 'tenant-a');
    assert.equal(!third.ok && third.error.status, 422);
    assert.match(!third.ok ? third.error.message : '', /Do not retry it/);
    assert.equal(errors.length, restarts, 'the poison body reached no worker');
    // Another body of the same tenant, and the same body from another tenant, are not refused.
    assert.equal(echoed(await pool.decode(request('fine'), 'tenant-a')), 'fine');
    const other = await pool.decode(request('crash #1'), 'tenant-b').catch((e) => e);
    assertUnavailable(other, /restarted/);
  });
});

test('a body that hangs its worker is refused with 422 after its second hang', { timeout: 30_000 }, async () => {
  await withPool({ size: 1, timeoutMs: 300 }, async (pool) => {
    for (let i = 0; i < 2; i++) {
      assertUnavailable(await pool.decode(request('hang forever'), 't').catch((e) => e), /took longer/);
      // The worker's own watchdog fires just after the request's timeout; wait for the replacement.
      await new Promise((r) => setTimeout(r, 500));
      await pool.ready();
    }
    const refused = await pool.decode(request('hang forever'), 't');
    assert.equal(!refused.ok && refused.error.code, 'undecodable_body');
    assert.equal(echoed(await pool.decode(request('after'), 't')), 'after');
  });
});

test('the pool marks its refusals made before decoding, and only those', { timeout: 20_000 }, async () => {
  await withPool({ queuePerWorker: 1, timeoutMs: 300 }, async (pool) => {
    const held = pool.decode(request('slow:200'), 'a');
    const full = await pool.decode(request('x'), 'b').catch((e) => e);
    assert.ok(refusedBeforeDecoding(full), 'queue full: refused before decoding');
    await held;
    const hung = await pool.decode(request('hang'), 'a').catch((e) => e);
    assert.equal(refusedBeforeDecoding(hung), false, 'a timeout spent decoding time');
  });
});

test('bodies up to inlineBytes are decoded on the calling thread, even with every worker hung; larger ones and gzip that inflates past the inline bound go to a worker', { timeout: 20_000 }, async () => {
  await withPool({ timeoutMs: 500, inlineBytes: 64 }, async (pool) => {
    const hangs = pool.decode(request(`hang ${'x'.repeat(100)}`)).catch((e) => e);
    // The stand-in worker would hang on this too; decoded inline it is just a body that is not JSON.
    const inline = await pool.decode(request('hang'));
    assert.equal(!inline.ok && inline.error.code, 'invalid_json', 'the real decoder answered, not the stand-in worker');
    assert.equal(pool.inFlight, 1, 'only the large body is with a worker');
    const hung = await hangs;
    assert.equal(hung.statusCode, 503, String(hung));
  });
  await withPool({ inlineBytes: 1024 }, async (pool) => {
    // A few hundred bytes of gzip that inflate to 300 KB: past the inline bound, so the worker (the stand-in, echoing) gets it.
    const body = new Uint8Array(gzipSync(Buffer.from(' '.repeat(300 * 1024))));
    assert.ok(body.byteLength <= 1024, `${body.byteLength} bytes`);
    const big = await pool.decode({ body, gzip: true, limitBytes: 1024 * 1024, window });
    assert.equal(!big.ok && big.error.code, 'echo');
  });
});
