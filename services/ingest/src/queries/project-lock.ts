// One project's cardinality checks, one at a time. A cap was checked by
// counting, then the new app, instance or metric list was inserted: batches
// creating new ones at once all counted the same total, and the cap was
// passed by as many as ran together. Counting and inserting now happen in one
// transaction that holds a lock on the project (PostgreSQL's advisory lock,
// so it holds across ingest replicas too). Only new things take it: what
// already reports is a cache hit and never gets here.
import type pg from 'pg';
import { withTransaction } from '@memsight/db';

export function withProjectLock<T>(pool: pg.Pool, projectId: string, work: (db: pg.ClientBase) => Promise<T>): Promise<T> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`memsight.cardinality:${projectId}`]);
    return work(client);
  });
}
