// Raw COPY of the benchmark's samples straight into PostgreSQL: the ceiling
// HTTP ingest is measured against. Two layouts from the foundation issue's
// table: ours (one row per instance and timestamp with a float8[], partitioned
// like `samples`) and one float8 column per metric.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { BenchShape } from './sample-data';

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

export const LAYOUTS = ['COPY, row per (instance, ts) with float8[] (ours)', 'COPY, row per (instance, ts) with one column per metric'] as const;

/**
 * The two COPY tables, timed one round at a time so that the benchmark can
 * interleave them with its HTTP rounds: this machine's speed drifts by a
 * factor of two within minutes, so a ratio is only fair between rounds run
 * side by side.
 */
export class CopyBaselines {
  private constructor(
    private readonly client: pg.PoolClient,
    private readonly values: number[][][],
    private readonly startMs: number,
    private readonly shape: BenchShape,
  ) {}

  static async create(pool: pg.Pool, values: number[][][], startMs: number, shape: BenchShape): Promise<CopyBaselines> {
    const client = await pool.connect();
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
    return new CopyBaselines(client, values, startMs, shape);
  }

  /** One round: both layouts from empty, each after a checkpoint. Seconds per layout, in LAYOUTS order. */
  async round(): Promise<number[]> {
    const { client, values, startMs, shape } = this;
    await client.query('TRUNCATE bench_copy_array, bench_copy_columns');
    await client.query('CHECKPOINT');
    const array = await timedCopy(client, 'COPY bench_copy_array (instance_id, ts, metric_set_id, values) FROM STDIN', arrayRows(values, startMs, shape));
    await client.query('CHECKPOINT');
    const columns = await timedCopy(client, 'COPY bench_copy_columns FROM STDIN', columnRows(values, startMs, shape));
    return [array, columns];
  }

  /** Disk bytes per sample of what the last round wrote, in LAYOUTS order; drops the tables. */
  async finish(): Promise<number[]> {
    const { client, shape } = this;
    const total = shape.instances * shape.timestamps * shape.metrics;
    try {
      await client.query('VACUUM ANALYZE bench_copy_array');
      await client.query('VACUUM ANALYZE bench_copy_columns');
      const bytes = [(await relationBytes(client, 'bench_copy_array')) / total, (await relationBytes(client, 'bench_copy_columns')) / total];
      await client.query(`DROP TABLE bench_copy_array, bench_copy_columns`);
      return bytes;
    } finally {
      client.release();
    }
  }
}

export { relationBytes };
