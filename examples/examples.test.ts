// Every example app, run for 20 seconds under its real agent against a real
// ingest and PostgreSQL, at accelerated rates and a short agent interval, all
// at once. Each test reads what was stored and checks the example's signal in
// measured numbers: a leak at the rate it was given, fds climbing, pymalloc
// half empty under a flat RSS, a sawtooth over a flat floor.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { useTenantAndIngest, type Tenant } from '@memsight/ingest/testing';
import { EXAMPLES, REPO_ROOT, exampleCommand, type Example } from '../scripts/lib/examples';

const MB = 2 ** 20;
const RUN_SECONDS = 20;
const LEAK_SECONDS = 12; // the cache leaks stop here, and must stay flat after
const FAST_LEAK_MB_PER_HOUR = 3600; // 1 MB/s
// The JS heap's floor after GC wanders by a few MB (churn caught mid-flight at each major GC), and
// a loaded machine takes only a handful of floor readings. A faster leak keeps that wander a small
// part of the growth being measured.
const NODE_LEAK_MB_PER_HOUR = 3 * FAST_LEAK_MB_PER_HOUR;
const FLOOR_WANDER = 3 * MB;
const FAST_FDS_PER_HOUR = 36_000; // 10/s

// Page cache churn of about 35 MB/s, for a major GC (and a floor reading) every second or two.
const NODE_CHURN = { REQUESTS_PER_SECOND: '600', HIT_RATE: '0.1', PAGE_KB: '64' };

/** Each example's settings for a short run: faster leaks, smaller sizes, more requests where the JS heap needs major GCs to report its floor. */
const ACCELERATED: Record<string, NodeJS.ProcessEnv> = {
  'py-cache-leak': { LEAK_MB_PER_HOUR: `${FAST_LEAK_MB_PER_HOUR}`, LEAK_SECONDS: `${LEAK_SECONDS}` },
  'py-cycle-leak': { LEAK_MB_PER_HOUR: `${FAST_LEAK_MB_PER_HOUR}`, REQUESTS_PER_SECOND: '200' }, // each request leaves 3 containers
  'py-fd-leak': { LEAK_FDS_PER_HOUR: `${FAST_FDS_PER_HOUR}` },
  'py-fragmentation': { FRAGMENT_MB: '64' },
  'py-healthy': { SAWTOOTH_MB: '32', SAWTOOTH_SECONDS: '3', CACHE_MB: '8' },
  'node-cache-leak': { LEAK_MB_PER_HOUR: `${NODE_LEAK_MB_PER_HOUR}`, LEAK_SECONDS: `${LEAK_SECONDS}`, ...NODE_CHURN },
  'node-listener-leak': { LEAK_MB_PER_HOUR: `${NODE_LEAK_MB_PER_HOUR}`, ...NODE_CHURN },
  'node-fd-leak': { LEAK_FDS_PER_HOUR: `${FAST_FDS_PER_HOUR}` },
  'node-healthy': { ...NODE_CHURN, CACHE_MB: '16' },
};

interface Run { example: Example; readyAtMs: number; code: number | null; signal: string | null; stdout: string; stderr: string }

/** Signals the example's process group, if it is still there. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid) process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Runs one example until `RUN_SECONDS` after its ready line, then stops it with SIGTERM, as the demo does. */
function runExample(example: Example, agentEnv: NodeJS.ProcessEnv): Promise<Run> {
  const { command, args, env } = exampleCommand(example);
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, ...env, ...agentEnv, ...ACCELERATED[example.name], STATUS_SECONDS: '2', DURATION_SECONDS: `${RUN_SECONDS + 20}` },
  });
  const run: Run = { example, readyAtMs: 0, code: null, signal: null, stdout: '', stderr: '' };
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk));
  child.stdout.on('data', (chunk: Buffer) => {
    run.stdout += chunk;
    if (!run.readyAtMs && run.stdout.includes('ready ')) {
      run.readyAtMs = Date.now();
      setTimeout(() => signalGroup(child.pid, 'SIGTERM'), RUN_SECONDS * 1000);
    }
  });
  const killer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), (RUN_SECONDS + 30) * 1000);
  // 'close', not 'exit': a child's last stderr lines can arrive after it exited.
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ ...run, code, signal });
    }),
  );
}

/** One stored metric of an app as (seconds since the app was ready, value), oldest first. */
async function storedPoints(tenant: Tenant, run: Run, metric: string): Promise<{ t: number; v: number }[]> {
  const { rows } = await tenant.pool.query<{ ts: string; v: number | null }>(
    `SELECT (extract(epoch FROM s.ts) * 1000)::bigint AS ts, s.values[array_position(m.names, $3)] AS v
       FROM samples s JOIN instances i ON i.id = s.instance_id JOIN apps a ON a.id = i.app_id
       JOIN metric_sets m ON m.id = s.metric_set_id
      WHERE i.project_id = $1 AND a.name = $2 ORDER BY s.ts`,
    [tenant.projectId, appOf(run.example), metric],
  );
  return rows.filter((r) => r.v !== null).map((r) => ({ t: (Number(r.ts) - run.readyAtMs) / 1000, v: r.v! }));
}

const appOf = (example: Example) => `example-${example.name}-${process.pid}`;
const between = (points: { t: number; v: number }[], from: number, to: number) => points.filter((p) => p.t >= from && p.t <= to);
const values = (points: { v: number }[]) => points.map((p) => p.v);
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

/** Theil–Sen slope (the median of the slopes between every two readings), per hour: one odd reading does not tilt it. */
function perHour(points: { t: number; v: number }[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) if (points[j]!.t > points[i]!.t) slopes.push((points[j]!.v - points[i]!.v) / (points[j]!.t - points[i]!.t));
  }
  slopes.sort((a, b) => a - b);
  return slopes[Math.floor(slopes.length / 2)]! * 3600;
}

/**
 * The measured rate is within `tolerance` of the expected one, or, over the readings' span, off by no
 * more than `wander`: what a series that wanders by that much can be off by across few readings.
 */
function assertRate(points: { t: number; v: number }[], expectedPerHour: number, tolerance: number, what: string, wander = 0): number {
  const spanHours = points.length ? (points.at(-1)!.t - points[0]!.t) / 3600 : 0;
  assert.ok(points.length >= 3 && spanHours * 3600 >= 3, `${what}: ${points.length} readings over ${(spanHours * 3600).toFixed(1)} s`);
  const rate = perHour(points);
  const allowed = Math.max(expectedPerHour * tolerance, wander / spanHours);
  const readings = points.map((p) => `${p.t.toFixed(1)}s ${mb(p.v)}`).join(', ');
  assert.ok(Math.abs(rate - expectedPerHour) <= allowed, `${what}: ${(rate / MB).toFixed(0)} MB/h measured, ${(expectedPerHour / MB).toFixed(0)} ± ${(allowed / MB).toFixed(0)} MB/h allowed (${readings})`);
  return rate;
}

describe('examples: each one shows its signal in the stored data', () => {
  const suite = useTenantAndIngest('examples');
  const runs = new Map<string, Run>();

  before(async () => {
    const agentEnv: NodeJS.ProcessEnv = {
      MEMSIGHT_ENDPOINT: suite.url,
      MEMSIGHT_API_KEY: suite.tenant.apiKey,
      MEMSIGHT_INTERVAL: '0.5',
      MEMSIGHT_FLUSH_INTERVAL: '0.5',
      MEMSIGHT_SLOW_INTERVAL: '0.5',
      MEMSIGHT_SLOW_BUDGET: '1',
      MEMSIGHT_LOG_LEVEL: 'warning',
      // A loaded machine may run no natural major GC for seconds once the Node leak stops and the heap
      // is big: the agent's probe then supplies the floor, as it does in production (every 3 min there).
      // A natural major GC ends incremental marking, and what the churn dropped while marking ran
      // (cache pages evicted, on a starved core, for hundreds of ms) survives it: that floor read up to
      // 4.5 MB high in CI. A probe's GC is one atomic mark-compact, and its floor is exact, so one a
      // second keeps most readings exact and the median slope on them.
      MEMSIGHT_GC_PROBE: '1',
      MEMSIGHT_GC_PROBE_MAX_PAUSE: '0.5',
    };
    const finished = await Promise.all(EXAMPLES.map((e) => runExample(e, { ...agentEnv, MEMSIGHT_APP: appOf(e) })));
    for (const run of finished) runs.set(run.example.name, run);
  });

  const points = (name: string, metric: string) => storedPoints(suite.tenant, runs.get(name)!, metric);

  test('every example prints ready, writes status lines, and exits cleanly on SIGTERM', () => {
    for (const run of runs.values()) {
      const name = run.example.name;
      assert.ok(run.readyAtMs, `${name} never printed ready: ${run.stderr}`);
      assert.match(run.stdout, /^ready \S+ pid=\d+/m, name);
      assert.equal(run.code, 0, `${name} exit ${run.code ?? run.signal}: ${run.stderr}`);
      assert.match(run.stderr, /^stopped after \d+ requests/m, `${name}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /Traceback|Error|memsight (ERROR|WARNING)/, `${name}: ${run.stderr}`);
    }
  });

  test('python cache leak: live memory grows at the configured rate, then stays flat once the leak stops', async (t) => {
    const inUse = await points('py-cache-leak', 'process.memory.breakdown{part=in_use}');
    const rate = assertRate(between(inUse, 1, LEAK_SECONDS - 0.5), FAST_LEAK_MB_PER_HOUR * MB, 0.2, 'in-use memory while leaking');
    const after = values(between(inUse, LEAK_SECONDS + 1, RUN_SECONDS));
    assert.ok(after.length >= 3 && Math.max(...after) - Math.min(...after) < MB, `after the leak: ${after.map(mb).join(', ')}`);
    t.diagnostic(`in use grew ${(rate / MB).toFixed(0)} MB/h (configured ${FAST_LEAK_MB_PER_HOUR})`);
  });

  test('python cycle leak: the collector is off, generation 0 climbs, and live memory grows at the rate', async (t) => {
    const enabled = values(between(await points('py-cycle-leak', 'cpython.gc.enabled'), 0.5, RUN_SECONDS)); // the agent's first reading can come before gc.disable()
    assert.ok(enabled.length > 0 && enabled.every((v) => v === 0), `gc.enabled ${enabled.join(',')}`);
    const gen0 = values(await points('py-cycle-leak', 'cpython.gc.count{generation=0}'));
    assert.ok(gen0.at(-1)! > gen0[0]! + (3 * 200 * RUN_SECONDS) / 2, `generation 0: ${gen0[0]} → ${gen0.at(-1)}`);
    const rate = assertRate(between(await points('py-cycle-leak', 'process.memory.breakdown{part=in_use}'), 1, RUN_SECONDS), FAST_LEAK_MB_PER_HOUR * MB, 0.2, 'in-use memory');
    t.diagnostic(`in use grew ${(rate / MB).toFixed(0)} MB/h (configured ${FAST_LEAK_MB_PER_HOUR}); generation 0 ${gen0[0]} → ${gen0.at(-1)}`);
  });

  for (const name of ['py-fd-leak', 'node-fd-leak']) {
    test(`${name}: open file descriptors grow at the configured rate`, async (t) => {
      const fds = between(await points(name, 'process.open_fds{kind=total}'), 1, RUN_SECONDS);
      assert.ok(fds.length >= 4, `${fds.length} readings`);
      const rate = perHour(fds);
      assert.ok(Math.abs(rate - FAST_FDS_PER_HOUR) <= FAST_FDS_PER_HOUR * 0.15, `${rate.toFixed(0)} fds/h measured, ${FAST_FDS_PER_HOUR} configured`);
      t.diagnostic(`${rate.toFixed(0)} fds/h (configured ${FAST_FDS_PER_HOUR}); ${fds[0]!.v} → ${fds.at(-1)!.v}`);
    });
  }

  test('python fragmentation: pymalloc is half empty while RSS stays at its peak, and nothing grows', async (t) => {
    const utilization = values(between(await points('py-fragmentation', 'cpython.pymalloc.utilization'), 1, RUN_SECONDS));
    const rss = values(await points('py-fragmentation', 'process.memory.rss'));
    assert.ok(utilization.length >= 4 && Math.max(...utilization) < 0.7, `utilisation ${utilization.map((u) => u.toFixed(2)).join(', ')}`);
    assert.ok(Math.max(...rss) > 60 * MB && rss.at(-1)! >= 0.8 * Math.max(...rss), `RSS peak ${mb(Math.max(...rss))}, last ${mb(rss.at(-1)!)}`);
    const steady = values(between(await points('py-fragmentation', 'process.memory.breakdown{part=in_use}'), 1, RUN_SECONDS));
    assert.ok(steady.at(-1)! - steady[0]! < MB, `in use after loading: ${mb(steady[0]!)} → ${mb(steady.at(-1)!)}`);
    t.diagnostic(`utilisation ${Math.min(...utilization).toFixed(2)}–${Math.max(...utilization).toFixed(2)}, RSS ${mb(rss.at(-1)!)} of a ${mb(Math.max(...rss))} peak`);
  });

  test('python healthy: a sawtooth of the configured height over a flat floor', async (t) => {
    const inUse = between(await points('py-healthy', 'process.memory.breakdown{part=in_use}'), 0, RUN_SECONDS);
    const teeth = Math.max(...values(inUse)) - Math.min(...values(inUse));
    assert.ok(teeth > 0.7 * 32 * MB, `teeth ${mb(teeth)}`);
    // SAWTOOTH_SECONDS each, from the second on: the first window can open mid-tooth, before its first trough.
    const periods = Array.from({ length: Math.floor(RUN_SECONDS / 3) - 1 }, (_, i) => (i + 1) * 3);
    const floors = periods.map((from) => Math.min(...values(between(inUse, from, from + 3))));
    const spread = Math.max(...floors) - Math.min(...floors);
    assert.ok(spread < MB, `floors ${floors.map(mb).join(', ')}`);
    t.diagnostic(`teeth ${mb(teeth)}, floors ${floors.map(mb).join(', ')}`);
  });

  test('node cache leak: the heap floor after GC grows at the configured rate, then stops growing once the leak stops', async (t) => {
    const floor = await points('node-cache-leak', 'v8js.memory.heap.used_after_gc');
    // From 3 s on: the first floor after start can still hold start-up garbage that the next major GC frees.
    const rate = assertRate(between(floor, 3, LEAK_SECONDS - 0.5), NODE_LEAK_MB_PER_HOUR * MB, 0.25, 'heap floor while leaking', FLOOR_WANDER);
    const afterPoints = between(floor, LEAK_SECONDS + 1, RUN_SECONDS);
    const after = values(afterPoints);
    // A leak still running would add its rate over these seconds; the floor's own wander is allowed.
    const span = afterPoints.length ? afterPoints.at(-1)!.t - afterPoints[0]!.t : 0;
    assert.ok(after.length >= 2 && span >= 2, `after the leak: ${afterPoints.length} readings over ${span.toFixed(1)} s`);
    const allowed = Math.max(FLOOR_WANDER, 0.25 * (NODE_LEAK_MB_PER_HOUR * MB / 3600) * span);
    assert.ok(Math.max(...after) - after[0]! < allowed, `after the leak: ${after.map(mb).join(', ')} (allowed rise ${mb(allowed)})`);
    t.diagnostic(`floor grew ${(rate / MB).toFixed(0)} MB/h (configured ${NODE_LEAK_MB_PER_HOUR}), then ${after.map(mb).join(', ')}`);
  });

  test('node listener leak: the heap floor after GC grows at the configured rate', async (t) => {
    const floor = between(await points('node-listener-leak', 'v8js.memory.heap.used_after_gc'), 1, RUN_SECONDS);
    const rate = assertRate(floor, NODE_LEAK_MB_PER_HOUR * MB, 0.25, 'heap floor', FLOOR_WANDER);
    t.diagnostic(`floor grew ${(rate / MB).toFixed(0)} MB/h (configured ${NODE_LEAK_MB_PER_HOUR})`);
  });

  test('node healthy: a sawtooth of tens of MB over a flat floor after GC', async (t) => {
    const used = values(between(await points('node-healthy', 'nodejs.memory.heap_used'), 1, RUN_SECONDS));
    const floor = values(between(await points('node-healthy', 'v8js.memory.heap.used_after_gc'), 1, RUN_SECONDS));
    const teeth = Math.max(...used) - Math.min(...used);
    assert.ok(teeth > 10 * MB, `heap ${mb(Math.min(...used))}–${mb(Math.max(...used))}`);
    assert.ok(floor.length >= 3, `floor readings: ${floor.length}`);
    const spread = Math.max(...floor) - Math.min(...floor);
    assert.ok(spread < teeth / 5, `floor ${floor.map(mb).join(', ')} against teeth of ${mb(teeth)}`);
    t.diagnostic(`heap ${mb(Math.min(...used))}–${mb(Math.max(...used))}; floor ${floor.map(mb).join(', ')}`);
  });
});
