// The overflow-safe mean gives avg()'s exact bits for ordinary values, and a
// finite answer where avg() and sum() fail (issue 14).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createPool } from './pool';
import { testDatabaseUrl } from './testing';
import { finiteMean, meanSql, saturatingAdd, saturatingSumSql, weightedMeanSql } from './finite-aggregates';

// A fixed pseudo-random spread of magnitudes, 1e-6 … 1e12, both signs: what memory metrics look like.
function ordinaryValues(n: number, seed: number): number[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => (next() - 0.3) * 10 ** Math.floor(next() * 18 - 6));
}

describe('finite aggregates', () => {
  let pool: pg.Pool;
  before(() => {
    pool = createPool(testDatabaseUrl(), 1);
  });
  after(() => pool.end());

  const one = async <T>(sql: string, values: unknown[]): Promise<T> => (await pool.query(sql, values)).rows[0] as T;

  test('meanSql and weightedMeanSql equal avg() and sum(a*n)/sum(n) bit for bit on ordinary values', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const vs = ordinaryValues(200, seed);
      const ns = vs.map((_, i) => (i % 60) + 1);
      const r = await one<{ plain: number; safe: number; wplain: number; wsafe: number }>(
        `SELECT avg(v) AS plain, ${meanSql('v')} AS safe, sum(v * n) / nullif(sum(n), 0) AS wplain, ${weightedMeanSql('v', 'n')} AS wsafe
           FROM unnest($1::float8[], $2::int[]) AS u(v, n)`,
        [vs, ns],
      );
      assert.equal(r.safe, r.plain, `seed ${seed}`);
      assert.equal(r.wsafe, r.wplain, `seed ${seed}`);
      // The compacted reader's mean, in JavaScript, is the same number.
      assert.equal(finiteMean(vs), r.plain, `seed ${seed}`);
    }
  });

  test('values near the float8 limit: avg() fails, the safe mean and sum answer', async () => {
    const vs = [1e308, 1e308, -1e308, 1e308];
    await assert.rejects(pool.query('SELECT avg(v) FROM unnest($1::float8[]) v', [vs]), /out of range/);
    const r = await one<{ mean: number; wmean: number; total: number; none: number | null }>(
      `SELECT ${meanSql('v')} AS mean, ${weightedMeanSql('v', '60')} AS wmean, ${saturatingSumSql('v')} AS total,
              (SELECT ${meanSql('w')} FROM unnest(ARRAY[NULL]::float8[]) w) AS none
         FROM unnest($1::float8[]) v`,
      [vs],
    );
    assert.ok(Math.abs(r.mean - 5e307) < 1e295, String(r.mean));
    assert.ok(Math.abs(r.wmean - 5e307) < 1e295, String(r.wmean));
    assert.equal(r.total, Number.MAX_VALUE);
    assert.equal(r.none, null);
    assert.ok(Math.abs(finiteMean(vs) - 5e307) < 1e295);
    assert.equal(saturatingAdd(1e308, 1e308), Number.MAX_VALUE);
    assert.equal(saturatingAdd(-1e308, -1e308), -Number.MAX_VALUE);
    assert.equal(saturatingAdd(1, 2), 3);
  });
});
