// A CPython service as the Python agent sees it. Reference counting frees most
// objects at once; cyclic garbage that survives into generation 2 piles up
// until a full collection, so allocated blocks and pymalloc's used bytes
// sawtooth over a flat floor. pymalloc keeps arenas while any block in them
// lives, so RSS sits near its high-water mark and barely drifts (0.1 MB/h),
// and freeing every other object halves utilisation while RSS stays.
import { HOUR, MB, SAMPLE_MS, type LiveSet, type ProgramSpec, type Random, type RuntimeProcess } from './synthetic-model';

const SMALL_SHARE = 0.7; // of live bytes in pymalloc blocks (≤ 512 B); the rest is malloc'd
const SMALL_BLOCK = 48;
const LARGE_BLOCK = 4096;
const PACKING = 0.9; // used / arena bytes in a healthy process

export class PythonProcess implements RuntimeProcess {
  private garbage = 0;
  private nextFull: number;
  private arena = 0;
  private pinned = 0;
  private collections: [number, number, number] = [0, 0, 0];
  private pauses: [number, number, number] = [0, 0, 0];
  private fullCarry = 0;
  private uncollectable = 0;
  private gcGarbage = 0;
  private count0 = 0;
  private warnings = 0;
  private cpu = 0;
  private lastArenaReport: { used: number; arena: number } | undefined;
  private readonly threads: number;
  private readonly sockets: number;

  constructor(
    private readonly spec: ProgramSpec,
    private readonly rng: Random,
    private readonly live: LiveSet,
  ) {
    this.nextFull = live.startOffset + this.rng.uniform(0.5, 1.5) * spec.sawtooth.periodMs;
    this.threads = 4 + Math.floor(rng.next() * 8);
    this.sockets = 4 + Math.floor(rng.next() * 10);
  }

  private age(t: number): number {
    return t - this.live.startOffset;
  }

  tick(t: number, slow: boolean): Record<string, number> {
    const s = this.spec;
    const r = this.rng;
    const H = s.heapBytes;
    const gcOn = !s.gc?.disabled;
    const frag = s.fragmentation;
    let fragLive = 0;
    if (frag && t >= frag.atMs) {
      const loaded = frag.fraction * H;
      if (t < frag.atMs + 60_000) fragLive = loaded * ((t - frag.atMs) / 60_000);
      else {
        // Every other object freed: the arenas they shared cannot be returned.
        if (this.pinned === 0) this.pinned = this.arena;
        fragLive = loaded / 2;
      }
    }
    const liveBytes = this.live.base(t) + this.live.leaked(t, 'heap');

    // Generation-2 garbage and its full collections.
    const garbageRate = (s.sawtooth.amplitude * H) / s.sawtooth.periodMs;
    this.garbage += garbageRate * SAMPLE_MS;
    const pauseFraction = s.gc?.pauseFraction ?? 0.003;
    if (gcOn) {
      this.collections[0] += 8 + Math.floor(r.next() * 5);
      this.collections[1] += 1;
      this.pauses[0] += 0.6 * pauseFraction * 10 * r.uniform(0.5, 1.5);
      this.pauses[1] += 0.2 * pauseFraction * 10 * r.uniform(0.5, 1.5);
      this.pauses[2] += 0.2 * pauseFraction * 10 * r.uniform(0.5, 1.5);
      if (t >= this.nextFull) {
        this.garbage = 0;
        this.collections[2]++;
        // Allocation counts trigger full collections, so under steady traffic they come at a steady pace.
        this.nextFull = t + Math.max(SAMPLE_MS, this.rng.uniform(0.5, 1.5) * s.sawtooth.periodMs);
      }
      this.fullCarry += ((s.gc?.fullPerMinute ?? 0) * SAMPLE_MS) / 60_000;
      while (this.fullCarry >= 1) {
        this.fullCarry--;
        this.collections[2]++;
      }
      this.count0 = Math.floor(r.next() * 700);
    } else {
      // Nothing collects cycles: tracked containers only accumulate.
      this.count0 += Math.round((this.garbage > 0 ? garbageRate * SAMPLE_MS : 0) / 200) + 30;
    }
    const uncollectable = this.live.events('garbage', s.gc?.garbagePerHour ?? 0);
    this.gcGarbage += uncollectable;
    this.uncollectable += uncollectable;

    // The fragmenting batch is small objects (tuples, short strings): all in pymalloc.
    const small = SMALL_SHARE * liveBytes + fragLive + this.garbage + 0.7 * this.live.transient();
    const large = (1 - SMALL_SHARE) * liveBytes + 0.3 * this.live.transient();
    // Arenas come back only when wholly empty: slowly, and never the pinned ones.
    this.arena = Math.max(small / PACKING, this.pinned, this.arena * 0.998);
    const nativeBase = 0.05 * H + 3 * MB;
    const inUse = 0.7 * large + nativeBase + this.live.leaked(t, 'native');
    const mmap = 0.3 * large;
    const free = 0.12 * inUse * r.uniform(0.9, 1.1);
    const glibcArena = inUse + free;
    const interpreter = 12 * MB + (0.1 * MB * this.age(t)) / HOUR;
    const rssAnon = Math.round(this.arena + glibcArena + mmap + interpreter);
    const rssFile = 20 * MB;
    this.cpu += 10 * r.uniform(0.05, 0.3);
    this.warnings += this.live.events('warnings', s.resources?.warningsPerHour ?? 0);

    const hours = this.age(t) / HOUR;
    const fdLeak = Math.floor((s.resources?.fdsPerHour ?? 0) * hours); // descriptors opened and never closed
    const fds: Record<'file' | 'socket' | 'pipe' | 'other', number> = { file: 3, socket: this.sockets + Math.floor(r.next() * 3), pipe: 2, other: 3 };
    fds[s.resources?.fdKind ?? 'file'] += fdLeak;
    const totalFds = fds.file + fds.socket + fds.pipe + fds.other;

    const out: Record<string, number> = {
      'process.memory.rss': rssAnon + rssFile,
      'process.memory.rss_anon': rssAnon,
      'process.memory.rss_file': rssFile,
      'process.threads': this.threads + Math.floor((s.resources?.threadsPerHour ?? 0) * hours),
      'process.cpu.time': this.cpu,
      'process.open_fds{kind=total}': totalFds,
      'container.memory.usage': rssAnon + rssFile + 8 * MB,
      'cpython.gc.enabled': gcOn ? 1 : 0,
      'cpython.gc.garbage': this.gcGarbage,
      'cpython.resource_warnings': this.warnings,
      'cpython.pymalloc.allocated_blocks': Math.round(small / SMALL_BLOCK + large / LARGE_BLOCK),
      'glibc.malloc.arena': glibcArena,
      'glibc.malloc.in_use': inUse,
      'glibc.malloc.free': free,
      'glibc.malloc.mmap': mmap,
      'glibc.malloc.fragmentation': free / glibcArena,
    };
    for (let g = 0; g < 3; g++) {
      out[`cpython.gc.count{generation=${g}}`] = g === 0 ? this.count0 : Math.floor(r.next() * 10);
      out[`cpython.gc.collections{generation=${g}}`] = this.collections[g]!;
      out[`cpython.gc.uncollectable_objects{generation=${g}}`] = g === 2 ? this.uncollectable : 0;
      out[`cpython.gc.pause.total{generation=${g}}`] = this.pauses[g]!;
    }
    if (slow) {
      Object.assign(out, { 'process.max_fds': 1024 });
      for (const [kind, n] of Object.entries(fds)) out[`process.open_fds{kind=${kind}}`] = n;
      if (s.memoryLimitBytes) out['container.memory.limit'] = s.memoryLimitBytes;
      // While tracemalloc traces, the arena report leaves pymalloc out (so no breakdown either).
      if (!s.tracemalloc) {
        this.lastArenaReport = { used: small, arena: this.arena };
        out['cpython.pymalloc.used_bytes'] = Math.round(small);
        out['cpython.pymalloc.arena_bytes'] = Math.round(this.arena);
        out['cpython.pymalloc.utilization'] = small / this.arena;
      }
    }
    if (s.tracemalloc) out['cpython.tracemalloc.current'] = Math.round(small + large);
    const report = this.lastArenaReport;
    if (report) {
      const inUsePart = report.used + inUse + mmap;
      const freePart = report.arena - report.used + free;
      out['process.memory.breakdown{part=in_use}'] = Math.round(inUsePart);
      out['process.memory.breakdown{part=allocator_free}'] = Math.round(freePart);
      out['process.memory.breakdown{part=other}'] = Math.max(0, Math.round(rssAnon - inUsePart - freePart));
    }
    return out;
  }
}
