// The LISTEN session against a real PostgreSQL: it hears, and when its
// session is killed it reconnects and says so (what was sent meanwhile is lost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool } from '@memsight/db';
import { testDatabaseUrl } from '../testing/harness';
import { PgListener } from './pg-listener';

const until = async (what: string, ok: () => boolean) => {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('hears its channels, and after its session is killed, reconnects and asks subscribers to resynchronise', async () => {
  const pool = createPool(testDatabaseUrl(), 1);
  const channel = `memsight_test_${process.pid}`;
  const app = `memsight-listener-test-${process.pid}`;
  const heard: string[] = [];
  let resyncs = 0;
  const errors: string[] = [];
  const listener = new PgListener({ connectionString: testDatabaseUrl(), applicationName: app, retryMs: 50, onError: (_e, what) => errors.push(what) });
  listener.on(channel, (p) => heard.push(p));
  listener.on(`${channel}_bad`, () => {
    throw new Error('a handler failed');
  });
  listener.onReconnect(() => resyncs++);
  try {
    await listener.start();
    await pool.query('SELECT pg_notify($1, $2)', [`${channel}_bad`, 'x']);
    await pool.query('SELECT pg_notify($1, $2)', [channel, 'one']);
    await until('the first notification', () => heard.length === 1);
    assert.equal(resyncs, 0, 'the first session has nothing to catch up on');
    assert.deepEqual(errors, [`a ${channel}_bad notification failed`], 'a failing handler is reported and does not stop the others');
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
    await until('the resync after the reconnect', () => resyncs === 1 && listener.listening);
    await pool.query('SELECT pg_notify($1, $2)', [channel, 'two']);
    await until('a notification on the new session', () => heard.length === 2);
    assert.deepEqual(heard, ['one', 'two']);
  } finally {
    await listener.close();
    await pool.end();
  }
});
