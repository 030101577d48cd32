// What each simulated instance reports every tick: the metric lists the
// Python and Node agents really send (names from the contracts' metric
// catalogue, attributes as the agents' collectors spell them), as SQL
// expressions PostgreSQL evaluates per row, so a day of 500 instances is made
// where it is stored instead of shipped from Node.
// In scope per row: t = seconds since the day began, r = random() in [0, 1),
// x.base = the instance's resting size in bytes, x.leak = bytes per second
// its floor rises (0 for healthy ones), x.fdleak = sockets opened per second
// and never closed (0 for most).

/** Where in a cycle of `seconds` the row is, in [0, 1): a sawtooth that fills and then drops at once, as a cache or a GC cycle does. */
const phase = (seconds: number) => `(t / ${seconds} - floor(t / ${seconds}))`;
const gens = (base: string, expr: (g: number) => string): [string, string][] => [0, 1, 2].map((g) => [`${base}{generation=${g}}`, expr(g)]);
const kinds = (base: string, key: string, values: Record<string, string>): [string, string][] =>
  Object.entries(values).map(([k, e]) => [`${base}{${key}=${k}}`, e]);

// A Python web worker: a 10-minute cache sawtooth of 24 MB on top of its floor.
const PY_RSS = `(x.base + x.leak * t + 24e6 * ${phase(600)} + r * 4e5)`;
export const PYTHON_METRICS: [string, string][] = [
  ['process.memory.rss', PY_RSS],
  ['process.memory.vms', `(${PY_RSS} * 3 + 400e6)`],
  ['process.memory.peak_rss', `(x.base + x.leak * t + 24e6)`],
  ['process.memory.rss_anon', `(${PY_RSS} - 14e6)`],
  ['process.memory.rss_file', '14e6'],
  ['process.memory.swap', '0'],
  ['process.memory.pss', `(${PY_RSS} * 0.94)`],
  ['process.memory.uss', `(${PY_RSS} * 0.9)`],
  ['container.memory.usage', `(${PY_RSS} + 6e6)`],
  ['container.memory.limit', '1073741824'],
  ...kinds('process.memory.breakdown', 'part', {
    in_use: `(x.base * 0.6 + x.leak * t + 20e6 * ${phase(600)})`,
    allocator_free: `(x.base * 0.2 + 4e6 * ${phase(600)} + r * 4e5)`,
    other: '(x.base * 0.2)',
  }),
  ...kinds('process.open_fds', 'kind', { file: '(6 + floor(r * 3))', socket: '(4 + floor(r * 4) + floor(x.fdleak * t))', pipe: '2', other: '3' }),
  ['process.max_fds', '1024'],
  ['process.threads', '(4 + floor(r * 2))'],
  ['process.cpu.time', '(t * 0.04)'],
  ...gens('cpython.gc.count', (g) => (g === 0 ? 'floor(r * 700)' : 'floor(r * 10)')),
  ...gens('cpython.gc.collections', (g) => `floor(t * ${[2, 0.2, 0.01][g]})`),
  ...gens('cpython.gc.collected_objects', (g) => `floor(t * ${[40, 8, 2][g]})`),
  ...gens('cpython.gc.uncollectable_objects', () => '0'),
  ...gens('cpython.gc.threshold', (g) => (g === 0 ? '700' : '10')),
  ['cpython.gc.garbage', '0'],
  ['cpython.gc.enabled', '1'],
  ...gens('cpython.gc.pause.count', (g) => `floor(t * ${[2, 0.2, 0.01][g]})`),
  ...gens('cpython.gc.pause.total', (g) => `(t * ${[2e-4, 1e-4, 5e-5][g]})`),
  ...gens('cpython.gc.pause.max', (g) => `(${[0.001, 0.004, 0.02][g]} + r * 0.001)`),
  ['cpython.pymalloc.allocated_blocks', `floor((x.base * 0.3 + x.leak * t) / 64)`],
  ['cpython.pymalloc.arenas', `floor((x.base * 0.35 + x.leak * t) / 1048576)`],
  ['cpython.pymalloc.arenas_reclaimed', 'floor(t / 60)'],
  ['cpython.pymalloc.arenas_highwater', `floor((x.base * 0.35 + x.leak * t + 4e6) / 1048576)`],
  ['cpython.pymalloc.arena_bytes', `(x.base * 0.35 + x.leak * t)`],
  ['cpython.pymalloc.used_bytes', `(x.base * 0.3 + x.leak * t * 0.98)`],
  ['cpython.pymalloc.utilization', `(0.86 + 0.08 * ${phase(600)})`],
  ['glibc.malloc.arena', '(x.base * 0.25)'],
  ['glibc.malloc.in_use', `(x.base * 0.18 + 3e6 * ${phase(600)})`],
  ['glibc.malloc.free', '(x.base * 0.07 + r * 1e6)'],
  ['glibc.malloc.mmap', '4194304'],
  ['glibc.malloc.releasable', '(r * 2e5)'],
  ['glibc.malloc.fragmentation', '(0.18 + r * 0.04)'],
  ['cpython.resource_warnings', 'floor(x.fdleak * t)'],
];

// A Node service: a one-minute heap sawtooth of 30 MB between major GCs.
const HEAP_USED = `(x.base * 0.45 + x.leak * t + 30e6 * ${phase(60)} + r * 5e5)`;
const HEAP_TOTAL = `(x.base * 0.5 + x.leak * t + 36e6)`;
const SPACES: Record<string, [number, number]> = { old: [0.7, 0.8], new: [0.12, 0.5], code: [0.05, 0.9], large_object: [0.1, 1], trusted: [0.03, 0.85] };
const spaceMetrics = (): [string, string][] =>
  Object.entries(SPACES).flatMap(([space, [share, fill]]): [string, string][] => [
    [`v8js.memory.heap.space.size{space=${space}}`, `(${HEAP_TOTAL} * ${share})`],
    [`v8js.memory.heap.space.used{space=${space}}`, `(${HEAP_USED} * ${share} * ${fill})`],
    [`v8js.memory.heap.space.available{space=${space}}`, `(${HEAP_TOTAL} * ${share} - ${HEAP_USED} * ${share} * ${fill})`],
    [`v8js.memory.heap.space.physical{space=${space}}`, `(${HEAP_TOTAL} * ${share})`],
  ]);
export const NODE_METRICS: [string, string][] = [
  ['process.memory.rss', `(${HEAP_TOTAL} + 55e6 + r * 1e6)`],
  ['nodejs.memory.heap_total', HEAP_TOTAL],
  ['nodejs.memory.heap_used', HEAP_USED],
  ['nodejs.memory.external', '(3e6 + r * 2e5)'],
  ['nodejs.memory.array_buffers', '(1e6 + r * 1e5)'],
  ['v8js.memory.heap.limit', '4345298944'],
  ['v8js.memory.heap.malloced', '1048576'],
  // The floor after a major GC: the agent has a reading only when one ran since the last tick.
  ['v8js.memory.heap.used_after_gc', `CASE WHEN ${phase(60)} < 0.2 THEN x.base * 0.45 + x.leak * t + r * 5e5 END`],
  ...spaceMetrics(),
  ...kinds('v8js.memory.heap.fragmentation', 'space', {
    all: `(1 - (${HEAP_USED}) / (${HEAP_TOTAL}))`,
    old: `(0.2 + 0.3 * ${phase(60)})`,
    new: `(0.3 + 0.5 * ${phase(60)})`,
    code: '0.1',
    large_object: '0',
    trusted: '0.15',
  }),
  ['v8js.contexts.native', '1'],
  ['v8js.contexts.detached', '0'],
  ...kinds('v8js.gc.pause.count', 'kind', { major: 'floor(t / 60)', minor: 'floor(t * 0.5)' }),
  ...kinds('v8js.gc.pause.total', 'kind', { major: '(t / 60 * 0.012)', minor: '(t * 0.5 * 0.0008)' }),
  ...kinds('v8js.gc.pause.max', 'kind', { major: '(0.012 + r * 0.004)', minor: '(0.001 + r * 0.001)' }),
  ['v8js.gc.time_fraction', '(0.0024 + r * 0.001)'],
  ['nodejs.eventloop.delay.p50', '(0.0011 + r * 0.0002)'],
  ['nodejs.eventloop.delay.p99', '(0.0021 + r * 0.002)'],
  ['nodejs.eventloop.delay.max', '(0.006 + r * 0.01)'],
  ['nodejs.eventloop.utilization', '(0.15 + r * 0.1)'],
  ...kinds('nodejs.active_resources', 'type', { TCPSocketWrap: '(6 + floor(r * 4) + floor(x.fdleak * t))', Timeout: '(3 + floor(r * 2))', FSReqCallback: 'floor(r * 2)' }),
  ...kinds('process.open_fds', 'kind', { file: '(4 + floor(r * 2))', socket: '(8 + floor(r * 4) + floor(x.fdleak * t))', pipe: '4', other: '6' }),
  ['process.max_fds', '65536'],
  ['process.threads', '11'],
  ['process.cpu.time', '(t * 0.06)'],
];

/** One row's values as a float8[] expression. */
export const valuesArray = (metrics: [string, string][]) => `ARRAY[${metrics.map(([, e]) => `(${e})::float8`).join(', ')}]`;
