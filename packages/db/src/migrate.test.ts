// The migration runner against a fresh database of its own on the test server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, MigrationError, listMigrations } from './migrate';
import { ensureSamplePartitions, partitionName } from './partitions';
import { MIGRATIONS_DIR } from './paths';

const serverUrl = process.env.DATABASE_URL!;
const dbName = `memsight_migrate_${randomBytes(4).toString('hex')}`;
const urlFor = (db: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.toString();
};

describe('migrate()', () => {
  let admin: pg.Client;
  let pool: pg.Pool;

  before(async () => {
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    pool = new pg.Pool({ connectionString: urlFor(dbName), max: 2 });
  });
  after(async () => {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.end();
  });

  test('applies every migration once and records it as Prisma does', async () => {
    const first = await migrate(pool, MIGRATIONS_DIR);
    assert.deepEqual(first.applied, listMigrations(MIGRATIONS_DIR).map((m) => m.name));
    const second = await migrate(pool, MIGRATIONS_DIR);
    assert.deepEqual(second.applied, []);
    assert.deepEqual(second.skipped, first.applied);

    const { rows } = await pool.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    assert.equal(rows.length, first.applied.length);
    const name = first.applied[0]!;
    const sql = readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'));
    assert.equal(rows[0].checksum, createHash('sha256').update(sql).digest('hex'));
    assert.equal(rows[0].applied_steps_count, 1);
    assert.ok(rows[0].finished_at instanceof Date);
    assert.match(rows[0].id, /^[0-9a-f-]{36}$/);
    const cols = await pool.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    assert.deepEqual(cols.rows.map((c) => c.column_name), [
      'id', 'checksum', 'finished_at', 'migration_name', 'logs', 'rolled_back_at', 'started_at', 'applied_steps_count',
    ]);
  });

  // On a fresh database, so both race to apply every migration: on a migrated one
  // there is nothing to apply and the advisory lock would go untested.
  test('two runners started together on a fresh database apply each migration once', async () => {
    const fresh = `memsight_migrate_race_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${fresh}`);
    const runners = [new pg.Pool({ connectionString: urlFor(fresh), max: 1 }), new pg.Pool({ connectionString: urlFor(fresh), max: 1 })];
    // DROP … WITH (FORCE) below may reach a session pool.end() is still closing; its farewell error is not the test's.
    for (const pool of runners) pool.on('error', () => {});
    try {
      // Seen from outside: one runner waits on the other's advisory lock at least once.
      let contended = false;
      let running = true;
      const watch = (async () => {
        while (running && !contended) {
          const { rows } = await admin.query(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1`,
            [fresh],
          );
          contended = rows[0].n > 0;
        }
      })();
      const results = await Promise.all(runners.map((pool) => migrate(pool, MIGRATIONS_DIR)));
      running = false;
      await watch;
      const all = listMigrations(MIGRATIONS_DIR).map((m) => m.name);
      assert.ok(all.length > 1);
      assert.ok(contended, 'the second runner waited for the lock');
      assert.deepEqual(results.flatMap((r) => r.applied).sort(), all, 'every migration applied by exactly one runner');
      assert.deepEqual(results.map((r) => r.applied.length).sort((x, y) => x - y), [0, all.length], 'the lock is held for a whole run');
      for (const r of results) assert.deepEqual([...r.applied, ...r.skipped].sort(), all);
      const { rows } = await runners[0]!.query(`SELECT migration_name, count(*)::int AS n, bool_and(finished_at IS NOT NULL) AS finished FROM "_prisma_migrations" GROUP BY 1 ORDER BY 1`);
      assert.deepEqual(rows, all.map((name) => ({ migration_name: name, n: 1, finished: true })));
    } finally {
      await Promise.all(runners.map((pool) => pool.end()));
      // pool.end() resolves before the server has seen every session go: wait for them, so FORCE has no one to end.
      for (let i = 0; i < 100; i++) {
        const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [fresh]);
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${fresh} WITH (FORCE)`);
    }
  });

  test('a failing migration is recorded with its error and blocks later runs until resolved', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'memsight-migrations-'));
    for (const m of listMigrations(MIGRATIONS_DIR)) {
      mkdirSync(path.join(dir, m.name));
      writeFileSync(path.join(dir, m.name, 'migration.sql'), m.sql);
    }
    mkdirSync(path.join(dir, '29990101000000_broken'));
    writeFileSync(path.join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE ok_part (id int);\nSELECT * FROM no_such_table;');
    await assert.rejects(migrate(pool, dir), (e: unknown) => e instanceof MigrationError && /no_such_table/.test(e.message));
    const row = await pool.query(`SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`);
    assert.equal(row.rows[0].finished_at, null);
    assert.match(row.rows[0].logs, /no_such_table/);
    const leftover = await pool.query(`SELECT to_regclass('ok_part') AS t`);
    assert.equal(leftover.rows[0].t, null, 'the failed migration was rolled back whole');
    await assert.rejects(migrate(pool, dir), /rolled back/);
  });

  test('sample partitions are created per UTC day, idempotently, and route rows', async () => {
    const day = Date.parse('2026-03-10T00:00:00Z');
    const created = await ensureSamplePartitions(pool, day - 86_400_000, day + 86_400_000);
    assert.deepEqual(created, ['samples_p20260309', 'samples_p20260310', 'samples_p20260311']);
    assert.deepEqual(await ensureSamplePartitions(pool, day, day), []);
    await pool.query(`INSERT INTO samples VALUES (1, '2026-03-10T13:00:00Z', 1, '{1,2}')`);
    const where = await pool.query(`SELECT tableoid::regclass::text AS p FROM samples`);
    assert.equal(where.rows[0].p, partitionName(day));
    await assert.rejects(pool.query(`INSERT INTO samples VALUES (1, '2030-01-01T00:00:00Z', 1, '{1}')`), /no partition/);
  });
});
