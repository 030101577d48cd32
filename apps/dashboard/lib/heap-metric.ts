// Which series the instance page charts as "heap": the runtime's own managed
// heap, in bytes.
export function heapMetricFor(runtime: string): string {
  return runtime === 'node' ? 'nodejs.memory.heap_used' : 'cpython.pymalloc.used_bytes';
}

export const RSS_METRIC = 'process.memory.rss';
