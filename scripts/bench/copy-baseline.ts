// Raw COPY of the benchmark's samples straight into PostgreSQL: the ceiling
// HTTP ingest is measured against. Two layouts from the foundation issue's
// table: ours (one row per instance and timestamp with a float8[], partitioned
// like `samples`) and one float8 column per metric.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { BenchShape } from './sample-data';

export interface CopyResult {
  layout: string;
  /** Median round. */
  seconds: number;
  samplesPerSecond: number;
  bytesPerSample: number;
}

async function relationBytes(client: pg.PoolClient, table: string): Promise<number> {
  const { rows } = await client.query(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS bytes
       FROM pg_class c WHERE c.oid = $1::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = $1::regclass)`,
    [table],
  );
  return rows[0].bytes;
}

async function timedCopy(client: pg.PoolClient, sql: string, lines: Generator<string>): Promise<number> {
  const started = performance.now();
  await client.query('BEGIN');
  await pipeline(Readable.from(lines), client.query(copyStreams.from(sql)));
  await client.query('COMMIT');
  return (performance.now() - started) / 1000;
}

function* arrayRows(values: number[][][], startMs: number, shape: BenchShape): Generator<string> {
  for (let i = 0; i < values.length; i++) {
    let chunk = '';
    values[i]!.forEach((row, t) => {
      chunk += `${i + 1}\t${new Date(startMs + t * shape.stepMs).toISOString()}\t1\t{${row.join(',')}}\n`;
    });
    yield chunk;
  }
}

function* columnRows(values: number[][][], startMs: number, shape: BenchShape): Generator<string> {
  for (let i = 0; i < values.length; i++) {
    let chunk = '';
    values[i]!.forEach((row, t) => {
      chunk += `${i + 1}\t${new Date(startMs + t * shape.stepMs).toISOString()}\t${row.join('\t')}\n`;
    });
    yield chunk;
  }
}

export async function copyBaselines(pool: pg.Pool, values: number[][][], startMs: number, shape: BenchShape, rounds: number): Promise<CopyResult[]> {
  const total = shape.instances * shape.timestamps * shape.metrics;
  const client = await pool.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy_array, bench_copy_columns`);
    await client.query(`CREATE TABLE bench_copy_array (LIKE samples INCLUDING ALL) PARTITION BY RANGE (ts)`);
    const day = 86_400_000;
    for (let d = Math.floor(startMs / day) * day; d <= startMs + shape.timestamps * shape.stepMs; d += day) {
      await client.query(
        `CREATE TABLE bench_copy_array_p${d / day} PARTITION OF bench_copy_array FOR VALUES FROM ('${new Date(d).toISOString()}') TO ('${new Date(d + day).toISOString()}')`,
      );
    }
    const cols = Array.from({ length: shape.metrics }, (_, m) => `m${m} float8`).join(', ');
    await client.query(`CREATE TABLE bench_copy_columns (instance_id bigint NOT NULL, ts timestamptz(3) NOT NULL, ${cols}, PRIMARY KEY (instance_id, ts))`);

    // The median of several rounds: a single one-second COPY swings with
    // checkpoints and with whatever else the machine is doing.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const arrayTimes: number[] = [];
    const columnTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await client.query('TRUNCATE bench_copy_array, bench_copy_columns');
      await client.query('CHECKPOINT');
      arrayTimes.push(await timedCopy(client, 'COPY bench_copy_array (instance_id, ts, metric_set_id, values) FROM STDIN', arrayRows(values, startMs, shape)));
      await client.query('CHECKPOINT');
      columnTimes.push(await timedCopy(client, 'COPY bench_copy_columns FROM STDIN', columnRows(values, startMs, shape)));
    }
    const arraySeconds = median(arrayTimes);
    const columnSeconds = median(columnTimes);
    await client.query('VACUUM ANALYZE bench_copy_array');
    await client.query('VACUUM ANALYZE bench_copy_columns');
    const results: CopyResult[] = [
      { layout: 'COPY, row per (instance, ts) with float8[] (ours)', seconds: arraySeconds, samplesPerSecond: total / arraySeconds, bytesPerSample: (await relationBytes(client, 'bench_copy_array')) / total },
      { layout: 'COPY, row per (instance, ts) with one column per metric', seconds: columnSeconds, samplesPerSecond: total / columnSeconds, bytesPerSample: (await relationBytes(client, 'bench_copy_columns')) / total },
    ];
    await client.query(`DROP TABLE bench_copy_array, bench_copy_columns`);
    return results;
  } finally {
    client.release();
  }
}

export { relationBytes };
