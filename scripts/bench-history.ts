// `npm run bench:history`: months of history, its rollups and the chart
// queries over them, in a throwaway database.
//   load:    N instances × D days at a 10 s interval, M memory-like metrics
//            per sample (sawtooths, steps, slow leaks, constants), generated
//            in PostgreSQL a day at a time;
//   rollup:  minute and hour rollups, seconds per day of data;
//   disk:    bytes per sample (row) and per value, raw and rolled up;
//   queries: an instance's 30-day, 7-day and 1-hour charts at ~1000 points,
//            p50 and p95 server time, with the 30-day chart read from raw
//            samples as the baseline in the same run.
//   compact: every day but the newest compacted (codec/block.ts): bytes per
//            sample and value, seconds per day, and a 1-hour chart on a day
//            before and after it was compacted.
//   overview: the overview page's query (every app's last hour, figures and
//            leak suspects) over the whole fleet, p50 and p95.
//   peer:    VictoriaMetrics (Debian's victoria-metrics) loaded with the same
//            samples: bytes per value right after ingest, the same range queries.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { compactPartition, createPool, ensureAllPartitions, listPartitions, migrate, rollUpRange, startEmbeddedPostgres, upsertMetricSet, MIGRATIONS_DIR, type RunningPostgres } from '@memsight/db';
import { getInstanceSeries } from '../services/ingest/src/queries/get-instance-series';
import { getOverview } from '../services/ingest/src/routes/query/get-overview';
import { createFleet } from './bench/history-fleet';
import { freePort } from './lib/free-port';
import { diskBytes, importSeries, startVictoriaMetrics, timeRangeQuery } from './bench/victoria-metrics';
import { percentile } from './lib/percentile';
import { inheritedEnvironment } from './lib/stack-config';

const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '200' },
    days: { type: 'string', default: '30' },
    // One of each shape: a sawtooth (RSS), a step, a slow leak, a constant.
    metrics: { type: 'string', default: '4' },
    trials: { type: 'string', default: '20' },
  },
});
const INSTANCES = Number(args.instances);
const DAYS = Number(args.days);
const METRICS = Number(args.metrics);
const TRIALS = Number(args.trials);
const DAY = 86_400_000;
const say = (m: string) => process.stderr.write(`bench | ${m}\n`);
const pct = percentile;
const ms = (x: number) => `${x.toFixed(1)} ms`;

let embedded: RunningPostgres | undefined;
let serverUrl = inheritedEnvironment().DATABASE_URL;
if (!serverUrl) {
  embedded = await startEmbeddedPostgres({ dataDir: mkdtempSync(path.join(tmpdir(), 'memsight-bench-pg-')), port: await freePort(), persistent: false });
  serverUrl = embedded.url;
}
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const dbName = `memsight_bench_history_${process.pid}`;
await admin.query(`CREATE DATABASE ${dbName}`);
const pool = createPool(Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString(), 4);
pool.on('error', () => {}); // idle connections end when the database is dropped

try {
  await migrate(pool, MIGRATIONS_DIR);
  const endMs = Math.floor(Date.now() / DAY) * DAY;
  const startMs = endMs - DAYS * DAY;
  await ensureAllPartitions(pool, startMs, endMs + DAY);
  // The first is RSS, as the overview's sparklines and figures read it.
  const names = Array.from({ length: METRICS }, (_, k) => (k === 0 ? 'process.memory.rss' : `bench.memory.m${String(k).padStart(2, '0')}`));
  const projectId = await createFleet(pool, INSTANCES, startMs, endMs);
  const set = await upsertMetricSet(pool, names);

  // Each metric's shape by its index: a sawtooth over a floor, a step every few days, a slow leak, a constant.
  say(`loading ${INSTANCES} instances × ${DAYS} days at 10 s, ${METRICS} metrics a sample`);
  const loadStart = performance.now();
  for (let day = startMs; day < endMs; day += DAY) {
    await pool.query(
      `INSERT INTO samples (instance_id, ts, metric_set_id, values)
       SELECT i, to_timestamp(t), $3,
              ARRAY(SELECT CASE k % 4
                        WHEN 0 THEN 4e7 + i * 1e6 + ((t::bigint + k * 17) % 300) * 1e5
                        WHEN 1 THEN 2e7 + 5e6 * floor((t - $1) / 259200.0)
                        WHEN 2 THEN 1e8 + (t - $1) * 3 + (random() * 1e4)::int
                        ELSE 42 END
                      FROM generate_series(0, $4 - 1) k)
         FROM generate_series(1, $5) i, generate_series($1::bigint, $2::bigint - 10, 10) t`,
      [day / 1000, (day + DAY) / 1000, set, METRICS, INSTANCES],
    );
  }
  const rows = INSTANCES * DAYS * 8640;
  say(`loaded ${(rows / 1e6).toFixed(2)} M samples in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);

  const client = await pool.connect();
  const timing = { '1m': [] as number[], '1h': [] as number[] };
  for (let day = startMs; day < endMs; day += DAY) {
    for (const res of ['1m', '1h'] as const) {
      const t = performance.now();
      await rollUpRange(client, res, day, day + DAY);
      timing[res].push((performance.now() - t) / 1000);
    }
  }
  client.release();
  await pool.query(`INSERT INTO rollup_progress (resolution, received_until) VALUES ('1m', to_timestamp($1 / 1000.0)), ('1h', to_timestamp($1 / 1000.0))`, [endMs]);
  await pool.query('VACUUM ANALYZE');

  // The peer, loaded with the same rows as they are stored here, before compaction drops them.
  const peer = await startVictoriaMetrics(say);
  const vm: { bytes: number; loadSeconds: number; results: Record<string, { p50: number; p95: number; points: number }> } | { skipped: string } =
    typeof peer === 'string' ? { skipped: peer } : { bytes: 0, loadSeconds: 0, results: {} };
  if (typeof peer !== 'string' && 'results' in vm) {
    try {
      const t = performance.now();
      for (let i = 1; i <= INSTANCES; i++) {
        const { rows: stored } = await pool.query<{ t: string; v: number[] }>('SELECT (extract(epoch FROM ts) * 1000)::bigint AS t, values AS v FROM samples WHERE instance_id = $1 ORDER BY ts', [i]);
        const ts = stored.map((r) => Number(r.t));
        for (let k = 0; k < METRICS; k++) await importSeries(peer, { __name__: names[k]!.replaceAll('.', '_'), instance: String(i) }, ts, stored.map((r) => r.v[k]!));
      }
      vm.loadSeconds = (performance.now() - t) / 1000;
      for (const [label, rangeMs, toMs] of [['30 d', 30 * DAY, endMs], ['7 d', 7 * DAY, endMs], ['1 h', 3_600_000, endMs], ['1 h, 5 days back', 3_600_000, endMs - 5 * DAY + 12 * 3_600_000]] as const) {
        const stepMs = Math.ceil(rangeMs / 1000 / 1000) * 1000;
        const times: number[] = [];
        let points = 0;
        for (let i = 0; i < TRIALS; i++) {
          const query = `avg_over_time({__name__=~"${names.slice(0, 3).map((n) => n.replaceAll('.', '_')).join('|')}",instance="${1 + (i % INSTANCES)}"}[${stepMs / 1000}s])`;
          const r = await timeRangeQuery(peer, query, toMs - rangeMs, toMs, stepMs);
          times.push(r.took);
          points = r.points;
        }
        vm.results[label] = { p50: pct(times, 50), p95: pct(times, 95), points };
      }
    } finally {
      // Stopped, it has written everything it holds: then its directory is what it stores.
      await peer.stop();
    }
    vm.bytes = diskBytes(peer);
  }

  const size = async (table: string) =>
    Number((await pool.query<{ b: string }>(`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS b FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`, [table])).rows[0]!.b);
  const disk = { raw: await size('samples'), '1m': await size('rollups_1m'), '1h': await size('rollups_1h') };

  // Raw samples are kept for the whole loaded range here, so the raw baseline can read them.
  const ctx = { nowMs: endMs, rawRetentionMs: (DAYS + 1) * DAY };
  const chart = (rangeMs: number, raw = false, toMs = endMs) => async (i: number) => {
    const q = { instanceId: String(1 + (i % INSTANCES)), metrics: names.slice(0, 3), fromMs: toMs - rangeMs, toMs, stepMs: Math.ceil(rangeMs / 1000 / 1000) * 1000 };
    // The raw baseline: the same buckets, aggregated from raw samples (as before rollups existed).
    if (raw) await pool.query('UPDATE rollup_progress SET received_until = to_timestamp(0)');
    const t = performance.now();
    const { plan } = await getInstanceSeries(pool, q, ctx);
    const took = performance.now() - t;
    if (raw) await pool.query('UPDATE rollup_progress SET received_until = to_timestamp($1 / 1000.0)', [endMs]);
    return { took, resolution: plan.resolution, parts: plan.parts.map((p) => p.source).join('+') };
  };
  const results: Record<string, { p50: number; p95: number; resolution: string }> = {};
  const time = async (label: string, fn: ReturnType<typeof chart>) => {
    const times: number[] = [];
    let resolution = '';
    for (let i = 0; i < TRIALS; i++) {
      const r = await fn(i);
      times.push(r.took);
      resolution = `${r.resolution} (${r.parts})`;
    }
    results[label] = { p50: pct(times, 50), p95: pct(times, 95), resolution };
  };
  const compactedDay = endMs - 5 * DAY + 12 * 3_600_000; // noon, five days back
  for (const [label, fn] of [['30 d', chart(30 * DAY)], ['7 d', chart(7 * DAY)], ['1 h', chart(3_600_000)], ['30 d from raw samples', chart(30 * DAY, true)], ['1 h, 5 days back', chart(3_600_000, false, compactedDay)]] as const) {
    await time(label, fn);
  }

  // The overview page's query: every app's last hour, every running instance's figures, the leak suspects.
  const overviewTimes: number[] = [];
  let overviewApps = 0;
  for (let i = 0; i < TRIALS; i++) {
    const t = performance.now();
    overviewApps = (await getOverview(pool, projectId, endMs, endMs - 5 * 60_000)).apps.length;
    overviewTimes.push(performance.now() - t);
  }
  const overview = { p50: pct(overviewTimes, 50), p95: pct(overviewTimes, 95) };

  // Compaction: every day but the newest, as ingest does once a day can no longer change.
  const compactTimes: number[] = [];
  let compactedSamples = 0;
  for (const p of (await listPartitions(pool, 'samples')).filter((x) => x.toMs <= endMs - DAY && x.fromMs >= startMs)) {
    const t = performance.now();
    compactedSamples += (await compactPartition(pool, p))?.samples ?? 0;
    compactTimes.push((performance.now() - t) / 1000);
  }
  await pool.query('VACUUM ANALYZE samples_compact');
  const compacted = await size('samples_compact');
  await time('1 h, 5 days back, compacted', chart(3_600_000, false, compactedDay));

  const values = rows * METRICS;
  console.log(`\nhistory: ${INSTANCES} instances × ${DAYS} days, 10 s interval, ${METRICS} metrics: ${(rows / 1e6).toFixed(2)} M samples, ${(values / 1e6).toFixed(1)} M values`);
  console.log('\nrollup time per day of data (p50 / max):');
  for (const res of ['1m', '1h'] as const) console.log(`  ${res}: ${pct(timing[res], 50).toFixed(2)} s / ${Math.max(...timing[res]).toFixed(2)} s`);
  console.log('\ndisk (tables + indexes):');
  console.log(`  raw samples:     ${(disk.raw / 2 ** 20).toFixed(0)} MB, ${(disk.raw / rows).toFixed(1)} B/sample, ${(disk.raw / values).toFixed(2)} B/value`);
  console.log(`  minute rollups:  ${(disk['1m'] / 2 ** 20).toFixed(0)} MB (${((disk['1m'] / disk.raw) * 100).toFixed(0)} % of raw)`);
  console.log(`  hour rollups:    ${(disk['1h'] / 2 ** 20).toFixed(1)} MB (${((disk['1h'] / disk.raw) * 100).toFixed(1)} % of raw)`);
  const compactedValues = compactedSamples * METRICS;
  console.log(`  compacted:       ${(compacted / 2 ** 20).toFixed(0)} MB for ${(compactedSamples / 1e6).toFixed(2)} M samples, ${(compacted / compactedSamples).toFixed(1)} B/sample, ${(compacted / compactedValues).toFixed(2)} B/value (${(disk.raw / rows / (compacted / compactedSamples)).toFixed(0)}× smaller than raw)`);
  console.log(`
compaction time per day of data: ${pct(compactTimes, 50).toFixed(2)} s (p50), ${Math.max(...compactTimes).toFixed(2)} s (max)`);
  console.log(`\nchart queries, 3 metrics at ~1000 points, ${TRIALS} trials each (server time in this process):`);
  for (const [label, r] of Object.entries(results)) console.log(`  ${label.padEnd(22)} p50 ${ms(r.p50).padStart(9)}  p95 ${ms(r.p95).padStart(9)}  read from ${r.resolution}`);
  console.log(`  ${'overview page'.padEnd(22)} p50 ${ms(overview.p50).padStart(9)}  p95 ${ms(overview.p95).padStart(9)}  ${overviewApps} apps, ${INSTANCES} instances, their last hour`);
  if ('skipped' in vm) console.log(`
VictoriaMetrics: skipped, ${vm.skipped}`);
  else {
    console.log(`
VictoriaMetrics 1.79 (same samples, JSON-lines import in ${vm.loadSeconds.toFixed(0)} s): ${(vm.bytes / 2 ** 20).toFixed(0)} MB on disk, ${(vm.bytes / values).toFixed(2)} B/value right after ingest`);
    const [ours, theirs] = [compacted / compactedValues, vm.bytes / values];
    console.log(`  memsight compacted ${ours.toFixed(2)} B/value against VictoriaMetrics ${theirs.toFixed(2)} B/value: ours is ${(ours / theirs).toFixed(2)}× theirs`);
    console.log('  range queries (avg_over_time of the same 3 metrics at the same step) over HTTP on loopback; memsight\'s are server time without HTTP:');
    for (const [label, r] of Object.entries(vm.results)) {
      const ours = results[label];
      console.log(`  ${label.padEnd(22)} p50 ${ms(r.p50).padStart(9)}  p95 ${ms(r.p95).padStart(9)}  ${r.points} points${ours ? `; memsight p50 ${ms(ours.p50)} (${(ours.p50 / r.p50).toFixed(2)}× theirs)` : ''}`);
    }
  }
  const ratio = results['30 d from raw samples']!.p50 / results['30 d']!.p50;
  console.log(`\n30-day chart: rollups answer it ${ratio.toFixed(0)}× faster than raw samples (p50), goal p95 < 100 ms: ${results['30 d']!.p95 < 100 ? 'met' : 'not met'}`);
  const charts = Object.entries(results).filter(([label]) => !label.includes('from raw'));
  const slow = charts.filter(([, r]) => r.p95 >= 100).map(([label]) => label);
  console.log(`every chart query under 100 ms at p95: ${slow.length ? `no (${slow.join(', ')})` : 'yes'}; compacted at or under 2 B/value: ${compacted / compactedValues <= 2 ? 'yes' : 'no'}`);
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
}
