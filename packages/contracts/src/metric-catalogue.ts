// Every metric memsight knows: its unit, which runtime reports it, and the
// OpenTelemetry / Prometheus names a user may already know it by.
// On the wire, attributes are written into the name: `cpython.gc.collections{generation=0}`.

export type Runtime = 'cpython' | 'node';
export type MetricKind = 'gauge' | 'counter';

export interface MetricDefinition {
  name: string;
  unit: 'By' | '1' | 's' | 'ms' | '{object}' | '{collection}' | '{fd}' | '{thread}' | '{event}' | '{context}';
  kind: MetricKind;
  runtimes: Runtime[];
  description: string;
  attributes?: string[];
  otel?: string;
  prometheus?: string;
}

const both: Runtime[] = ['cpython', 'node'];
const py: Runtime[] = ['cpython'];
const js: Runtime[] = ['node'];

export const METRIC_CATALOGUE: MetricDefinition[] = [
  // Process (both agents read /proc/self)
  { name: 'process.memory.rss', unit: 'By', kind: 'gauge', runtimes: both, description: 'Resident set size.', otel: 'process.memory.usage', prometheus: 'process_resident_memory_bytes' },
  { name: 'process.memory.vms', unit: 'By', kind: 'gauge', runtimes: both, description: 'Virtual memory size.', otel: 'process.memory.virtual', prometheus: 'process_virtual_memory_bytes' },
  { name: 'process.memory.peak_rss', unit: 'By', kind: 'gauge', runtimes: both, description: 'Peak RSS (VmHWM).' },
  { name: 'process.memory.rss_anon', unit: 'By', kind: 'gauge', runtimes: both, description: 'Anonymous resident memory: heap and allocator arenas.' },
  { name: 'process.memory.rss_file', unit: 'By', kind: 'gauge', runtimes: both, description: 'File-backed resident memory: code and mapped files.' },
  { name: 'process.memory.swap', unit: 'By', kind: 'gauge', runtimes: both, description: 'Swapped-out memory (VmSwap).' },
  { name: 'process.memory.pss', unit: 'By', kind: 'gauge', runtimes: both, description: 'Proportional set size from smaps_rollup: shared pages divided among sharers.' },
  { name: 'process.memory.uss', unit: 'By', kind: 'gauge', runtimes: both, description: 'Unique set size: memory freed if this process exited.' },
  { name: 'process.open_fds', unit: '{fd}', kind: 'gauge', runtimes: both, description: 'Open file descriptors: kind=total every tick; file, socket, pipe and other at the slower rate.', attributes: ['kind'], prometheus: 'process_open_fds' },
  { name: 'process.max_fds', unit: '{fd}', kind: 'gauge', runtimes: both, description: 'File descriptor limit.', prometheus: 'process_max_fds' },
  { name: 'process.threads', unit: '{thread}', kind: 'gauge', runtimes: both, description: 'OS threads.', otel: 'process.thread.count' },
  { name: 'process.cpu.time', unit: 's', kind: 'counter', runtimes: both, description: 'CPU time used.', otel: 'process.cpu.time', prometheus: 'process_cpu_seconds_total' },
  // cgroup (container) memory
  { name: 'container.memory.usage', unit: 'By', kind: 'gauge', runtimes: both, description: 'cgroup memory.current (v2) or memory.usage_in_bytes (v1).', prometheus: 'container_memory_usage_bytes' },
  { name: 'container.memory.limit', unit: 'By', kind: 'gauge', runtimes: both, description: 'cgroup memory.max / limit_in_bytes; absent when unlimited.', prometheus: 'container_spec_memory_limit_bytes' },
  { name: 'container.memory.oom_kills', unit: '{event}', kind: 'counter', runtimes: both, description: 'oom_kill count from memory.events.' },
  // CPython garbage collector
  { name: 'cpython.gc.count', unit: '{object}', kind: 'gauge', runtimes: py, description: 'gc.get_count(): allocations minus deallocations since the generation was last collected.', attributes: ['generation'] },
  { name: 'cpython.gc.collections', unit: '{collection}', kind: 'counter', runtimes: py, description: 'Collections per generation.', attributes: ['generation'], otel: 'cpython.gc.collections', prometheus: 'python_gc_collections_total' },
  { name: 'cpython.gc.collected_objects', unit: '{object}', kind: 'counter', runtimes: py, description: 'Objects collected per generation.', attributes: ['generation'], otel: 'cpython.gc.collected_objects', prometheus: 'python_gc_objects_collected_total' },
  { name: 'cpython.gc.uncollectable_objects', unit: '{object}', kind: 'counter', runtimes: py, description: 'Uncollectable objects per generation.', attributes: ['generation'], otel: 'cpython.gc.uncollectable_objects', prometheus: 'python_gc_objects_uncollectable_total' },
  { name: 'cpython.gc.garbage', unit: '{object}', kind: 'gauge', runtimes: py, description: 'len(gc.garbage).' },
  { name: 'cpython.gc.threshold', unit: '{object}', kind: 'gauge', runtimes: py, description: 'gc.get_threshold() per generation.', attributes: ['generation'] },
  { name: 'cpython.gc.enabled', unit: '1', kind: 'gauge', runtimes: py, description: '1 when automatic collection is enabled.' },
  { name: 'cpython.gc.pause.count', unit: '{collection}', kind: 'counter', runtimes: py, description: 'Collections timed through gc.callbacks.', attributes: ['generation'] },
  { name: 'cpython.gc.pause.total', unit: 's', kind: 'counter', runtimes: py, description: 'Total GC pause time.', attributes: ['generation'] },
  { name: 'cpython.gc.pause.max', unit: 's', kind: 'gauge', runtimes: py, description: 'Longest GC pause in the interval.', attributes: ['generation'] },
  // pymalloc and glibc malloc
  { name: 'cpython.pymalloc.allocated_blocks', unit: '{object}', kind: 'gauge', runtimes: py, description: 'sys.getallocatedblocks().' },
  { name: 'cpython.pymalloc.arenas', unit: '1', kind: 'gauge', runtimes: py, description: 'Arenas currently allocated.' },
  { name: 'cpython.pymalloc.arenas_reclaimed', unit: '1', kind: 'counter', runtimes: py, description: 'Arenas returned to the OS.' },
  { name: 'cpython.pymalloc.arenas_highwater', unit: '1', kind: 'gauge', runtimes: py, description: 'Most arenas ever allocated at once.' },
  { name: 'cpython.pymalloc.arena_bytes', unit: 'By', kind: 'gauge', runtimes: py, description: 'Bytes in allocated arenas.' },
  { name: 'cpython.pymalloc.used_bytes', unit: 'By', kind: 'gauge', runtimes: py, description: 'Bytes in used blocks.' },
  { name: 'cpython.pymalloc.utilization', unit: '1', kind: 'gauge', runtimes: py, description: 'Used-block bytes / arena bytes; low means fragmented arenas.' },
  { name: 'glibc.malloc.arena', unit: 'By', kind: 'gauge', runtimes: both, description: 'mallinfo2 arena: bytes obtained with brk/sbrk.' },
  { name: 'glibc.malloc.in_use', unit: 'By', kind: 'gauge', runtimes: both, description: 'mallinfo2 uordblks: bytes in use.' },
  { name: 'glibc.malloc.free', unit: 'By', kind: 'gauge', runtimes: both, description: 'mallinfo2 fordblks: free bytes held by malloc.' },
  { name: 'glibc.malloc.mmap', unit: 'By', kind: 'gauge', runtimes: both, description: 'mallinfo2 hblkhd: bytes in mmap-ed chunks.' },
  { name: 'glibc.malloc.releasable', unit: 'By', kind: 'gauge', runtimes: both, description: 'mallinfo2 keepcost: releasable by malloc_trim.' },
  { name: 'glibc.malloc.fragmentation', unit: '1', kind: 'gauge', runtimes: both, description: 'free / arena.' },
  { name: 'process.memory.breakdown', unit: 'By', kind: 'gauge', runtimes: py, description: 'Where anonymous RSS went: part=in_use (pymalloc used blocks + malloc in use), allocator_free (free blocks held by pymalloc arenas and malloc), other (native: stacks, interpreter, non-malloc mappings).', attributes: ['part'] },
  { name: 'cpython.tracemalloc.current', unit: 'By', kind: 'gauge', runtimes: py, description: 'Memory traced by tracemalloc now.' },
  { name: 'cpython.tracemalloc.peak', unit: 'By', kind: 'gauge', runtimes: py, description: 'Peak memory traced by tracemalloc.' },
  { name: 'cpython.resource_warnings', unit: '{event}', kind: 'counter', runtimes: py, description: 'ResourceWarnings seen (unclosed files and sockets).' },
  // Node.js / V8
  { name: 'nodejs.memory.heap_total', unit: 'By', kind: 'gauge', runtimes: js, description: 'process.memoryUsage().heapTotal.', prometheus: 'nodejs_heap_size_total_bytes' },
  { name: 'nodejs.memory.heap_used', unit: 'By', kind: 'gauge', runtimes: js, description: 'process.memoryUsage().heapUsed.', prometheus: 'nodejs_heap_size_used_bytes' },
  { name: 'nodejs.memory.external', unit: 'By', kind: 'gauge', runtimes: js, description: 'Memory of C++ objects bound to JS objects.', prometheus: 'nodejs_external_memory_bytes' },
  { name: 'nodejs.memory.array_buffers', unit: 'By', kind: 'gauge', runtimes: js, description: 'ArrayBuffers and SharedArrayBuffers.' },
  { name: 'v8js.memory.heap.limit', unit: 'By', kind: 'gauge', runtimes: js, description: 'heap_size_limit.', otel: 'v8js.memory.heap.limit' },
  { name: 'v8js.memory.heap.malloced', unit: 'By', kind: 'gauge', runtimes: js, description: 'malloced_memory.' },
  { name: 'v8js.memory.heap.used_after_gc', unit: 'By', kind: 'gauge', runtimes: js, description: 'Used heap right after the last major GC: the floor leak detection trends on.' },
  { name: 'v8js.memory.heap.space.size', unit: 'By', kind: 'gauge', runtimes: js, description: 'Space size.', attributes: ['space'], otel: 'v8js.memory.heap.space.size', prometheus: 'nodejs_heap_space_size_total_bytes' },
  { name: 'v8js.memory.heap.space.used', unit: 'By', kind: 'gauge', runtimes: js, description: 'Used bytes in the space.', attributes: ['space'], otel: 'v8js.memory.heap.used', prometheus: 'nodejs_heap_space_size_used_bytes' },
  { name: 'v8js.memory.heap.space.available', unit: 'By', kind: 'gauge', runtimes: js, description: 'Available bytes in the space.', attributes: ['space'], otel: 'v8js.memory.heap.space.available_size', prometheus: 'nodejs_heap_space_size_available_bytes' },
  { name: 'v8js.memory.heap.space.physical', unit: 'By', kind: 'gauge', runtimes: js, description: 'Physical bytes committed to the space.', attributes: ['space'], otel: 'v8js.memory.heap.space.physical_size' },
  { name: 'v8js.memory.heap.fragmentation', unit: '1', kind: 'gauge', runtimes: js, description: '(size - used) / size, overall or per space.', attributes: ['space'] },
  { name: 'v8js.contexts.native', unit: '{context}', kind: 'gauge', runtimes: js, description: 'number_of_native_contexts.' },
  { name: 'v8js.contexts.detached', unit: '{context}', kind: 'gauge', runtimes: js, description: 'number_of_detached_contexts: a classic leak signal.' },
  { name: 'v8js.gc.pause.count', unit: '{collection}', kind: 'counter', runtimes: js, description: 'GC pauses by kind.', attributes: ['kind'] },
  { name: 'v8js.gc.pause.total', unit: 's', kind: 'counter', runtimes: js, description: 'Total GC pause time by kind.', attributes: ['kind'], otel: 'v8js.gc.duration', prometheus: 'nodejs_gc_duration_seconds' },
  { name: 'v8js.gc.pause.max', unit: 's', kind: 'gauge', runtimes: js, description: 'Longest GC pause in the interval by kind.', attributes: ['kind'] },
  { name: 'v8js.gc.time_fraction', unit: '1', kind: 'gauge', runtimes: js, description: 'Fraction of wall time spent in GC over the interval.' },
  { name: 'nodejs.eventloop.delay.p50', unit: 's', kind: 'gauge', runtimes: js, description: 'Event loop delay median.', prometheus: 'nodejs_eventloop_lag_p50_seconds' },
  { name: 'nodejs.eventloop.delay.p99', unit: 's', kind: 'gauge', runtimes: js, description: 'Event loop delay p99.', otel: 'nodejs.eventloop.delay.p99', prometheus: 'nodejs_eventloop_lag_p99_seconds' },
  { name: 'nodejs.eventloop.delay.max', unit: 's', kind: 'gauge', runtimes: js, description: 'Event loop delay max.', otel: 'nodejs.eventloop.delay.max', prometheus: 'nodejs_eventloop_lag_max_seconds' },
  { name: 'nodejs.eventloop.utilization', unit: '1', kind: 'gauge', runtimes: js, description: 'Event loop utilisation.', otel: 'nodejs.eventloop.utilization' },
  { name: 'nodejs.active_resources', unit: '{object}', kind: 'gauge', runtimes: js, description: 'process.getActiveResourcesInfo() by type.', attributes: ['type'], prometheus: 'nodejs_active_resources' },
  // Agent self-observation
  { name: 'memsight.agent.dropped_samples', unit: '{object}', kind: 'counter', runtimes: both, description: 'Samples the agent dropped because its buffer was full.' },
];

const byName = new Map(METRIC_CATALOGUE.map((m) => [m.name, m]));

/** Strips the `{attr=...}` part of a wire metric name. */
export function baseMetricName(wireName: string): string {
  const brace = wireName.indexOf('{');
  return brace === -1 ? wireName : wireName.slice(0, brace);
}

/** The catalogue entry for a wire metric name, attributes ignored; undefined for custom metrics. */
export function describeMetric(wireName: string): MetricDefinition | undefined {
  return byName.get(baseMetricName(wireName));
}
