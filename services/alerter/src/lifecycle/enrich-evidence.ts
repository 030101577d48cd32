// A leak alert says where to look: the top growing allocation sites (with
// tracebacks) and object types from the instance's latest snapshots, and a
// next step that names what to turn on when the agent has neither.
import type { AlertEvidence } from '@memsight/contracts';
import type { LatestSnapshots } from '@memsight/db';

const TOP_SITES = 5;
const TOP_TYPES = 10;

const NO_SITES: Record<'cpython' | 'node', string> = {
  cpython: 'tracemalloc is off in this process: set MEMSIGHT_TRACEMALLOC=1 (or more frames, e.g. 10) to see allocation sites.',
  node: 'The sampling heap profiler is off in this process: set MEMSIGHT_HEAP_SAMPLING=32768 to see allocation sites.',
};

export function enrichEvidence(evidence: AlertEvidence, snapshots: LatestSnapshots, runtime: 'cpython' | 'node'): AlertEvidence {
  const out: AlertEvidence = { ...evidence };
  const sites = [...(snapshots.sites?.entries ?? [])]
    .sort((a, b) => (b.growthBytes ?? 0) - (a.growthBytes ?? 0) || b.sizeBytes - a.sizeBytes)
    .slice(0, TOP_SITES);
  if (sites.length) out.sites = sites.map((s) => ({ site: s.site, sizeBytes: s.sizeBytes, growthBytes: s.growthBytes, count: s.count, traceback: s.traceback }));
  const types = [...(snapshots.types?.entries ?? [])].sort((a, b) => (b.growth ?? 0) - (a.growth ?? 0) || b.count - a.count).slice(0, TOP_TYPES);
  if (types.length) out.types = types;
  // Native growth is invisible to both tracemalloc and the heap profiler: keep the detector's advice then.
  if (evidence.where === 'native' || evidence.where === 'contexts') return out;
  const top = sites[0];
  if (top && (top.growthBytes ?? 0) > 0) {
    out.nextStep = `Start at ${top.site}: it grew by ${formatBytes(top.growthBytes!)} since the previous snapshot and holds ${formatBytes(top.sizeBytes)}.`;
  } else if (!sites.length) {
    out.nextStep = NO_SITES[runtime];
  }
  return out;
}

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}
