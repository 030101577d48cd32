// V8's own view of its heap: totals, per-space figures and fragmentation.
// The statistics functions are parameters so tests can feed fixed readings.
import v8 from 'node:v8';

export type HeapStatistics = ReturnType<typeof v8.getHeapStatistics>;
export type HeapSpace = ReturnType<typeof v8.getHeapSpaceStatistics>[number];

export function readV8Heap(
  heap: () => HeapStatistics = v8.getHeapStatistics,
  spaces: () => HeapSpace[] = v8.getHeapSpaceStatistics,
): Record<string, number> {
  const out: Record<string, number> = {};
  const h = heap();
  out['v8js.memory.heap.limit'] = h.heap_size_limit;
  out['v8js.memory.heap.malloced'] = h.malloced_memory;
  out['v8js.contexts.native'] = h.number_of_native_contexts;
  // A detached context is a global (a vm context, an iframe) its code no longer
  // reaches but something still retains: the classic context leak.
  out['v8js.contexts.detached'] = h.number_of_detached_contexts;
  let size = 0;
  let used = 0;
  for (const s of spaces()) {
    const space = s.space_name.replace(/_space$/, '');
    out[`v8js.memory.heap.space.size{space=${space}}`] = s.space_size;
    out[`v8js.memory.heap.space.used{space=${space}}`] = s.space_used_size;
    out[`v8js.memory.heap.space.available{space=${space}}`] = s.space_available_size;
    out[`v8js.memory.heap.space.physical{space=${space}}`] = s.physical_space_size;
    if (s.space_size > 0) out[`v8js.memory.heap.fragmentation{space=${space}}`] = (s.space_size - s.space_used_size) / s.space_size;
    size += s.space_size;
    used += s.space_used_size;
  }
  // Overall: what the spaces reserve but do not use. A high value with a low
  // floor is a heap that grew for a peak and has not shrunk back.
  if (size > 0) out['v8js.memory.heap.fragmentation{space=all}'] = (size - used) / size;
  return out;
}
