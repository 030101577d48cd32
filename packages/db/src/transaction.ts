// One transaction: BEGIN, the work, then COMMIT, or ROLLBACK when the work (or
// the COMMIT) throws. The error goes on; a failed ROLLBACK is dropped, because
// the connection is then broken and the first error is the one that says why.
import type pg from 'pg';

export interface TransactionOptions<T> {
  /** The opening statement: 'BEGIN READ ONLY', or one with an isolation level. */
  begin?: string;
  /** Whether to keep what the work did, from its result (ROLLBACK when false). Default: always. */
  keep?: (result: T) => boolean;
}

/** Runs `work` in one transaction on a connection the caller holds. */
export async function inTransaction<T>(db: pg.ClientBase, work: () => Promise<T>, options: TransactionOptions<T> = {}): Promise<T> {
  await db.query(options.begin ?? 'BEGIN');
  try {
    const result = await work();
    await db.query(options.keep && !options.keep(result) ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Runs `work` in one transaction on a pooled connection of its own, released after. */
export async function withTransaction<T>(pool: pg.Pool, work: (db: pg.PoolClient) => Promise<T>, options: TransactionOptions<T> = {}): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, () => work(client), options);
  } finally {
    client.release();
  }
}
