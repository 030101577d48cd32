import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlerter } from './alerter';
import { loadAlerterConfig } from './config';

test('the alerter shell runs its detectors, reports ready, and closes cleanly', async () => {
  const config = loadAlerterConfig({ DATABASE_URL: process.env.DATABASE_URL }, { port: 0, logLevel: 'silent' });
  let calls = 0;
  const alerter = await startAlerter(config, [
    async (pool) => {
      await pool.query('SELECT count(*) FROM alert_rules');
      calls++;
    },
  ]);
  try {
    const ready = await fetch(`${alerter.url}/readyz`);
    assert.equal(ready.status, 200);
    await alerter.whenIdle();
    assert.equal(calls, 1, 'one evaluation ran at start');
    assert.equal(alerter.evaluations(), 1);
    assert.equal((await fetch(`${alerter.url}/nope`)).status, 404);
  } finally {
    await alerter.close();
  }
});
