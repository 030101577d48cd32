// One project's cardinality checks, one at a time. A cap was checked by
// counting, then the new app, instance or metric list was inserted: batches
// creating new ones at once all counted the same total, and the cap was
// passed by as many as ran together. Counting and inserting now happen in one
// transaction that holds a lock on the project (PostgreSQL's advisory lock,
// so it holds across ingest replicas too). Only new things take it: what
// already reports is a cache hit and never gets here.
import type pg from 'pg';

export async function withProjectLock<T>(pool: pg.Pool, projectId: string, work: (db: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`memsight.cardinality:${projectId}`]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
