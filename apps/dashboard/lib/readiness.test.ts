import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { testDatabaseUrl } from '@memsight/db/testing';
import { readinessCheck } from './readiness';

const pools: pg.Pool[] = [];
const poolFor = (url: string) => {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
};
after(() => Promise.all(pools.map((p) => p.end())));

test('ready with its database; 503 with a code, and no error text, when nothing listens there', async () => {
  const ready = readinessCheck(() => poolFor(testDatabaseUrl()));
  assert.deepEqual(await ready(), { status: 200, body: { status: 'ok' } });
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const { port } = closed.address() as { port: number };
  await new Promise((r) => closed.close(r));
  const down = await readinessCheck(() => poolFor(`postgresql://root@127.0.0.1:${port}/x`))();
  assert.equal(down.status, 503);
  assert.equal('error' in down.body && down.body.error.code, 'database_unavailable');
  assert.doesNotMatch(JSON.stringify(down.body), /ECONNREFUSED|127\.0\.0\.1/);
});

test('a server that accepts and never answers fails the probe at the deadline, and probes meanwhile share one check', async () => {
  const sockets: Socket[] = [];
  const hung = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  const { port } = hung.address() as { port: number };
  let queries = 0;
  const pool = poolFor(`postgresql://root@127.0.0.1:${port}/x`);
  const counted = { query: (sql: string) => (queries++, pool.query(sql)) };
  const ready = readinessCheck(() => counted, 300);
  const t0 = Date.now();
  const answers = await Promise.all([ready(), ready(), ready()]);
  assert.ok(answers.every((a) => a.status === 503), JSON.stringify(answers));
  assert.equal(queries, 1);
  assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  for (const s of sockets) s.destroy();
  await new Promise((r) => hung.close(r));
});
