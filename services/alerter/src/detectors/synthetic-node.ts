// A Node service as the Node agent sees it. Scavenges empty the young
// generation every few seconds; what survives them is promoted, and dead
// promoted objects pile up in old space until a major (mark-compact) GC. So
// heap_used climbs between major GCs (13 MB/h in a quiet service whose majors
// are rare) while the floor after each major, used_after_gc, stays flat. The
// agent forces a major GC when none ran for 3 minutes, so the floor has a
// point at least that often.
import { HOUR, MB, SAMPLE_MS, type LiveSet, type ProgramSpec, type Random, type RuntimeProcess } from './synthetic-model';

const PROBE_MS = 180_000;
const CONTEXT_BYTES = 1 * MB;
const CODE_AND_NATIVE = 45 * MB;

export class NodeProcess implements RuntimeProcess {
  private oldGarbage = 0;
  private lastMajor = 0;
  private heapTotal = 0;
  private majors = 0;
  private minors = 0;
  private pauses = { major: 0, minor: 0 };
  private fullCarry = 0;
  private cpu = 0;
  private readonly youngMax: number;
  private readonly externalBase: number;
  private readonly sockets: number;
  private threshold: number;

  constructor(
    private readonly spec: ProgramSpec,
    private readonly rng: Random,
    private readonly live: LiveSet,
  ) {
    const H = spec.heapBytes;
    this.youngMax = Math.min(16 * MB, Math.max(1 * MB, 0.05 * H));
    this.externalBase = 0.03 * H + 1 * MB;
    this.sockets = 4 + Math.floor(rng.next() * 12);
    this.threshold = this.nextThreshold();
    this.lastMajor = live.startOffset;
  }

  private nextThreshold(): number {
    return this.spec.sawtooth.amplitude * this.spec.heapBytes * this.rng.uniform(0.6, 1.4);
  }

  tick(t: number, slow: boolean): Record<string, number> {
    const s = this.spec;
    const r = this.rng;
    const H = s.heapBytes;
    const contextsLeaked = this.live.leaked(t, 'contexts');
    const live = this.live.base(t) + this.live.leaked(t, 'heap') + contextsLeaked;
    const transient = this.live.transient();
    const young = r.uniform(0, this.youngMax);

    // Promoted garbage piles up in old space at the rate that fills the sawtooth in its period.
    this.oldGarbage += ((s.sawtooth.amplitude * H) / s.sawtooth.periodMs) * SAMPLE_MS * r.uniform(0.5, 1.5);
    let usedAfterGc: number | undefined;
    const natural = this.oldGarbage >= this.threshold;
    const probe = (s.probe ?? true) && t - this.lastMajor >= PROBE_MS;
    if (natural || probe) {
      this.oldGarbage = 0;
      this.threshold = this.nextThreshold();
      this.lastMajor = t;
      this.majors++;
      this.pauses.major += 0.002 + (0.01 * H) / (100 * MB);
      // Read soon after the collection (a full GC empties the young generation): the live set plus what was allocated since.
      usedAfterGc = live + transient + r.uniform(0, 0.05) * young;
    }
    this.fullCarry += ((s.gc?.fullPerMinute ?? 0) * SAMPLE_MS) / 60_000;
    while (this.fullCarry >= 1) {
      this.fullCarry--;
      this.majors++;
      this.pauses.major += 0.01;
    }
    this.minors += 3 + Math.floor(r.next() * 4);
    this.pauses.minor += 0.004 * r.uniform(0.5, 1.5);

    const heapUsed = live + this.oldGarbage + young + transient;
    const committed = (live + s.sawtooth.amplitude * H + this.youngMax) * 1.1;
    this.heapTotal = Math.max(heapUsed * 1.05, this.heapTotal ? 0.999 * this.heapTotal + 0.001 * committed : committed);
    const nativeLeak = this.live.leaked(t, 'native');
    const external = this.externalBase * (1 + 0.02 * r.gaussian()) + nativeLeak;
    const arrayBuffers = 0.5 * this.externalBase * (1 + 0.02 * r.gaussian()) + nativeLeak;
    const rss = this.heapTotal + external + CODE_AND_NATIVE + 0.3 * MB * r.gaussian();
    const oldSize = 0.85 * this.heapTotal;
    const oldUsed = Math.min(oldSize, 0.9 * live + this.oldGarbage);
    this.cpu += 10 * r.uniform(0.05, 0.3);

    const hours = (t - this.live.startOffset) / HOUR;
    const fds: Record<'file' | 'socket' | 'pipe' | 'other', number> = { file: 2, socket: this.sockets + Math.floor(r.next() * 3), pipe: 4, other: 6 };
    fds[s.resources?.fdKind ?? 'file'] += Math.floor((s.resources?.fdsPerHour ?? 0) * hours);
    const out: Record<string, number> = {
      'process.memory.rss': Math.round(rss),
      'process.cpu.time': this.cpu,
      'process.open_fds{kind=total}': fds.file + fds.socket + fds.pipe + fds.other,
      'container.memory.usage': Math.round(rss + 6 * MB),
      'nodejs.memory.heap_total': Math.round(this.heapTotal),
      'nodejs.memory.heap_used': Math.round(heapUsed),
      'nodejs.memory.external': Math.round(external),
      'nodejs.memory.array_buffers': Math.round(arrayBuffers),
      'v8js.memory.heap.limit': s.heapLimitBytes ?? 4144 * MB,
      'v8js.contexts.native': 1 + Math.floor(contextsLeaked / CONTEXT_BYTES),
      'v8js.contexts.detached': 0,
      'v8js.memory.heap.space.size{space=old}': Math.round(oldSize),
      'v8js.memory.heap.fragmentation{space=old}': (oldSize - oldUsed) / oldSize,
      'v8js.memory.heap.fragmentation{space=all}': (this.heapTotal - heapUsed) / this.heapTotal,
      'v8js.gc.pause.count{kind=major}': this.majors,
      'v8js.gc.pause.count{kind=minor}': this.minors,
      'v8js.gc.pause.total{kind=major}': this.pauses.major,
      'v8js.gc.pause.total{kind=minor}': this.pauses.minor,
      'v8js.gc.time_fraction': (s.gc?.pauseFraction ?? 0.01) * r.uniform(0.5, 1.5),
      'nodejs.active_resources{type=TCPSocketWrap}': fds.socket,
      'nodejs.active_resources{type=Timeout}': 2 + Math.floor(r.next() * 3) + Math.floor((s.resources?.handlesPerHour ?? 0) * hours),
    };
    if (usedAfterGc !== undefined) out['v8js.memory.heap.used_after_gc'] = Math.round(usedAfterGc);
    if (slow) {
      out['process.threads'] = 11 + Math.floor((s.resources?.threadsPerHour ?? 0) * hours);
      out['process.max_fds'] = 65536;
      out['process.memory.rss_anon'] = Math.round(rss - 30 * MB);
      for (const [kind, n] of Object.entries(fds)) out[`process.open_fds{kind=${kind}}`] = n;
      if (s.memoryLimitBytes) out['container.memory.limit'] = s.memoryLimitBytes;
    }
    return out;
  }
}
