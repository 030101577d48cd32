// The replicas' shared rate limit, against a real PostgreSQL: two exchanges
// stand for two ingest replicas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createPool } from '@memsight/db';
import { testDatabaseUrl } from '../testing/harness';
import { TokenBuckets } from './token-bucket';
import { UsageExchange } from './usage-exchange';

function replica(pool: ReturnType<typeof createPool>, now: () => number) {
  let exchange: UsageExchange | undefined;
  const buckets = new TokenBuckets(100, now, (key, n) => exchange!.admitted(key, n));
  exchange = new UsageExchange({ pool, replica: randomUUID(), buckets, intervalMs: 1000, now, onError: (err) => assert.fail(String(err)) });
  return { buckets, exchange };
}

test('what one replica admits is charged on the other, once, and only load made since it started', async () => {
  const pool = createPool(testDatabaseUrl(), 2);
  let now = 0; // the buckets' clock stands still: only charges move them
  const project = randomUUID();
  try {
    const a = replica(pool, () => now);
    const b = replica(pool, () => now);
    await b.exchange.exchange(); // b starts before a's load exists
    assert.equal(a.buckets.take(project, 80), 0);
    await a.exchange.exchange();
    await b.exchange.exchange();
    assert.equal(b.buckets.take(project, 30), 1, 'a took 80 of the project\'s 100 a second: 20 are left on b');
    assert.equal(b.buckets.take(project, 20), 0);
    await a.exchange.exchange();
    await b.exchange.exchange();
    assert.equal(b.buckets.take(project, 1), 1, 'charged once: nothing new from a, and b has spent the rest');

    // A replica started after that load began takes the totals it finds as history.
    const c = replica(pool, () => now);
    await c.exchange.exchange();
    assert.equal(c.buckets.take(project, 100), 0, 'c is not charged for load from before it started');
    now += 1000;
    assert.equal(a.buckets.take(project, 60), 0);
    await a.exchange.exchange();
    await c.exchange.exchange();
    assert.equal(c.buckets.take(project, 50), 1, 'but is for a\'s load since');
    await a.exchange.exchange(); // a hears of c's 100

    // After half an hour idle, a starts its total again: the others see it fall (the first take after the restart
    // goes uncharged), then charge what follows, not a's lifetime total again.
    now += 31 * 60_000;
    assert.equal(a.buckets.take(project, 10), 0);
    await a.exchange.exchange();
    await c.exchange.exchange();
    assert.equal(a.buckets.take(project, 20), 0);
    await a.exchange.exchange();
    await c.exchange.exchange();
    assert.equal(c.buckets.take(project, 80), 0, 'the restart is not charged as new load');
    assert.equal(c.buckets.take(project, 1), 1, 'the 20 a took since are');
  } finally {
    await pool.query('DELETE FROM ingest_usage WHERE project_id = $1', [project]);
    await pool.end();
  }
});
