// Writes a group of ingest batches in one transaction: the idempotency keys,
// the samples (binary COPY), the snapshots and the agents' reported drops. Instances' last-seen times are
// kept off this path (see lib/last-seen.ts): one statement fewer per commit.
// Acknowledging only after this commits is what makes an agent's retry safe.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { Snapshot } from '@memsight/contracts';
import { COPY_HEADER, COPY_TRAILER } from './samples-copy-binary';
import { pipelinedCopy } from './pipelined-copy';
import { addAgentDropsStatement } from './add-agent-drops';

export interface WriteJob {
  instanceId: string;
  seq: number;
  /** Binary COPY rows of the accepted samples (see samples-copy-binary.ts). */
  copy: Buffer;
  rowCount: number;
  /** The samples' earliest and latest times in ms: the minutes the rollups must recompute. */
  tsRange?: [number, number];
  snapshots: Snapshot[];
  /** Samples the agent reports it dropped since its previous batch (the batch's `dropped`), and when (unix ms). */
  dropped?: number;
  droppedAtMs?: number;
}

export interface WriteOutcome {
  /** This (instance, seq) was stored before: nothing was written now. */
  duplicate: boolean;
  /** Rows written now. Less than rowCount only when `tolerateExisting` skipped some. */
  stored: number;
}

const keyOf = (j: WriteJob) => `${j.instanceId}:${j.seq}`;
export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';
const COPY_SAMPLES = 'COPY samples (instance_id, ts, metric_set_id, values) FROM STDIN (FORMAT binary)';
// Every value in it is an integer we produced (instance ids from the
// database, seq and counts checked by the schema), so it can be inlined.
const msLiteral = (ms: number | undefined) => (ms !== undefined && Number.isFinite(ms) ? `to_timestamp(${Math.trunc(ms)}/1000.0)` : 'NULL');
const keyValues = (jobs: WriteJob[]) =>
  jobs.map((j) => `(${BigInt(j.instanceId)},${BigInt(j.seq)},${j.rowCount | 0},${msLiteral(j.tsRange?.[0])},${msLiteral(j.tsRange?.[1])})`).join(',');
const KEY_COLUMNS = 'ingest_batches (instance_id, seq, sample_count, min_ts, max_ts)';
const copyChunks = (jobs: WriteJob[]) => [COPY_HEADER, ...jobs.map((j) => j.copy), COPY_TRAILER];
// Groups over this many bytes are not pipelined, and their COPY data goes out
// in pieces. Written whole, one 7 MB batch held the event loop for about 12 ms
// in one writev (loopback processes the receive side in the sender's
// context), and other projects' answers waited (bench:isolation); and a
// retried bulk batch sent its 7 MB again only to be found a duplicate.
export const BULK_COPY_BYTES = 1024 * 1024;
const COPY_PIECE_BYTES = 256 * 1024;
const pieces = (b: Buffer) =>
  b.length <= COPY_PIECE_BYTES ? [b] : Array.from({ length: Math.ceil(b.length / COPY_PIECE_BYTES) }, (_, i) => b.subarray(i * COPY_PIECE_BYTES, (i + 1) * COPY_PIECE_BYTES));
const copyStream = (jobs: WriteJob[]) => Readable.from(copyChunks(jobs).flatMap(pieces));

// Rows whose (instance, ts) is already stored are skipped: COPY into a
// scratch table, then INSERT ... ON CONFLICT DO NOTHING. Only for one job.
async function insertSkippingExisting(client: pg.PoolClient, job: WriteJob): Promise<number> {
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS incoming_samples (LIKE samples) ON COMMIT DELETE ROWS`);
  await pipeline(copyStream([job]), client.query(copyStreams.from('COPY incoming_samples FROM STDIN (FORMAT binary)')));
  const res = await client.query('INSERT INTO samples SELECT * FROM incoming_samples ON CONFLICT DO NOTHING');
  return res.rowCount ?? 0;
}

export async function writeSampleGroup(
  pool: pg.Pool,
  jobs: WriteJob[],
  opts: { tolerateExisting?: boolean } = {},
): Promise<WriteOutcome[]> {
  // Two tries of one batch in the same group: the first one writes, the other is a duplicate.
  const firstByKey = new Map<string, number>();
  jobs.forEach((j, i) => firstByKey.has(keyOf(j)) || firstByKey.set(keyOf(j), i));
  const unique = [...firstByKey.values()].map((i) => jobs[i]!).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // The common case, fresh batches without snapshots: keys, samples and
    // COMMIT in one round trip. A repeated key fails the whole transaction
    // (no ON CONFLICT here), and the careful path below then sorts it out.
    const bytes = unique.reduce((n, j) => n + j.copy.length, 0);
    if (!opts.tolerateExisting && bytes <= BULK_COPY_BYTES && unique.every((j) => j.snapshots.length === 0)) {
      try {
        const drops = addAgentDropsStatement(unique);
        await pipelinedCopy(
          client,
          `BEGIN; INSERT INTO ${KEY_COLUMNS} VALUES ${keyValues(unique)}; ${drops ? `${drops}; ` : ''}${COPY_SAMPLES}; COMMIT`,
          copyChunks(unique),
        );
        return jobs.map((j, i) => (firstByKey.get(keyOf(j)) === i ? { duplicate: false, stored: j.rowCount } : { duplicate: true, stored: 0 }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await client.query('ROLLBACK');
      }
    }
    // The careful path: find out which keys are new, and write only those.
    const [, fresh] = (await client.query(
      `BEGIN; INSERT INTO ${KEY_COLUMNS} VALUES ${keyValues(unique)}
       ON CONFLICT DO NOTHING RETURNING instance_id::text || ':' || seq::text AS key`,
    )) as unknown as [pg.QueryResult, pg.QueryResult<{ key: string }>];
    const freshKeys = new Set(fresh.rows.map((r) => r.key));
    const toWrite = unique.filter((j) => freshKeys.has(keyOf(j)));
    const storedByKey = new Map<string, number>();
    // Only batches stored now count their drops: a duplicate's were counted when it was first stored.
    const drops = addAgentDropsStatement(toWrite);
    if (drops) await client.query(drops);
    if (opts.tolerateExisting) {
      for (const j of toWrite) storedByKey.set(keyOf(j), await insertSkippingExisting(client, j));
    } else if (toWrite.some((j) => j.rowCount > 0)) {
      await pipeline(copyStream(toWrite), client.query(copyStreams.from(COPY_SAMPLES)));
      for (const j of toWrite) storedByKey.set(keyOf(j), j.rowCount);
    }
    const snaps = toWrite.flatMap((j) => j.snapshots.map((s) => ({ id: j.instanceId, s })));
    if (snaps.length > 0) {
      await client.query(
        `INSERT INTO snapshots (instance_id, ts, kind, entries)
         SELECT id, to_timestamp(t / 1000.0), kind, entries FROM unnest($1::bigint[], $2::float8[], $3::text[], $4::jsonb[]) AS x(id, t, kind, entries)
         ON CONFLICT DO NOTHING`,
        [
          snaps.map((x) => x.id),
          snaps.map((x) => x.s.ts),
          snaps.map((x) => x.s.kind),
          snaps.map((x) => JSON.stringify(x.s.kind === 'allocation_sites' ? { source: x.s.source, sites: x.s.sites } : { types: x.s.types })),
        ],
      );
    }
    await client.query('COMMIT');
    return jobs.map((j, i) => {
      const written = firstByKey.get(keyOf(j)) === i && freshKeys.has(keyOf(j));
      return { duplicate: !written, stored: written ? (storedByKey.get(keyOf(j)) ?? 0) : 0 };
    });
  } catch (err) {
    // An error PostgreSQL reported (it has a severity) leaves the connection
    // usable. Anything else (a read timeout, a reset) may leave a query
    // outstanding on it: returned to the pool, that connection hung the next
    // request too, so it is destroyed instead.
    if ((err as { severity?: unknown }).severity === undefined) broken = err as Error;
    else await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}
