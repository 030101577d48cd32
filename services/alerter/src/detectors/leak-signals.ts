// The floors a leak can show on, per runtime, and the role each plays in the
// decision. Python's bytes decision rests on live memory (what the program
// holds): RSS also creeps from allocator fragmentation while live memory is
// flat, so RSS only decides when no live signal exists, and then needs strong
// evidence or Python's object count growing with it. Node's heap decision
// rests on the floor after major GC; heap_used's own minima creep between rare
// major GCs from promoted garbage and are not a floor.
import { combine, envelope, fold, groupMs, type Envelope, readPoints } from './envelope';
import { median } from './robust-stats';
import type { Points, SeriesView } from './types';

export type LeakWhere = 'heap' | 'native' | 'contexts';

export interface LeakSignal {
  /** The tracked signal (or, for a derived floor, what it is computed from). */
  metric: string;
  /** How the summary names it. */
  label: string;
  /** Where growth of this signal puts the leak; 'live' signals are placed by the object count (Python). */
  where: LeakWhere | 'live';
  unit: 'bytes' | 'count';
  /**
   * decides: a live-memory floor that can raise the alert alone.
   * strict: decides only with strong evidence (RSS-like floors that also move for reasons that are not leaks).
   * fallback: like strict, used only when no deciding signal has data.
   * corroborates: says where (Python's object count, V8 contexts), never decides bytes.
   * reported: its rate goes into the evidence, it decides nothing.
   */
  role: 'decides' | 'strict' | 'fallback' | 'corroborates' | 'reported';
  envelope: Envelope;
}

/** A signal whose envelope is read when first asked for: reported and fallback floors usually never are. */
class LazySignal implements LeakSignal {
  private built: Envelope | undefined;
  constructor(
    readonly metric: string,
    readonly label: string,
    readonly where: LeakSignal['where'],
    readonly unit: LeakSignal['unit'],
    readonly role: LeakSignal['role'],
    private readonly build: () => Envelope,
  ) {}
  get envelope(): Envelope {
    return (this.built ??= this.build());
  }
}

function floorOf(view: SeriesView, from: number, metric: string, label: string, where: LeakSignal['where'], unit: LeakSignal['unit'], role: LeakSignal['role']): LeakSignal {
  return new LazySignal(metric, label, where, unit, role, () => envelope(view, metric, 'min', from));
}

/**
 * Python's object heap sawtooths with cyclic garbage that only full collections
 * free. The minima of buckets with a full (generation-2) collection are the
 * floor, as V8's used_after_gc is; in between, minima sit on a tooth. When the
 * teeth show in the object count (buckets between collections sit well above
 * the collection buckets), only those buckets are trusted for
 * every heap floor, even while they are too few to judge; without teeth every
 * bucket's minimum is the floor.
 */
class PythonHeapFloors {
  /** Bucket times with a full collection, ascending; undefined: no teeth, use every bucket. */
  private readonly collected: number[] | undefined;

  constructor(
    private readonly view: SeriesView,
    private readonly from: number,
  ) {
    const c = readPoints(view, 'cpython.gc.collections{generation=2}', 'last', from - view.bucketMs);
    const times: number[] = [];
    for (let i = 1; i < c.t.length; i++) if (c.v[i]! > c.v[i - 1]! && c.t[i]! - c.t[i - 1]! <= view.bucketMs) times.push(c.t[i]!);
    this.collected = times.length >= 2 && this.teeth(times) ? times : undefined;
  }

  /** Teeth: buckets without a collection sit well above those with one, beyond the collection buckets' own noise. */
  private teeth(times: number[]): boolean {
    const blocks = readPoints(this.view, 'cpython.pymalloc.allocated_blocks', 'min', this.from);
    const at: number[] = [];
    const between: number[] = [];
    let k = 0;
    for (let i = 0; i < blocks.t.length; i++) {
      while (k < times.length && times[k]! < blocks.t[i]!) k++;
      (times[k] === blocks.t[i] ? at : between).push(blocks.v[i]!);
    }
    if (at.length < 3 || between.length < 2) return false;
    const steps = at.slice(1).map((v, i) => Math.abs(v - at[i]!));
    const noise = (1.4826 * median(steps)) / Math.SQRT2;
    return median(between) - median(at) > 3 * Math.max(noise, 1);
  }

  floor(metric: string): Envelope {
    return fold(metric, this.floorPoints(metric), 'min', groupMs(this.view, this.from));
  }

  floorPoints(metric: string): Points {
    const all = readPoints(this.view, metric, 'min', this.from);
    if (!this.collected) return all;
    const kept: Points = { t: [], v: [] };
    let k = 0;
    for (let i = 0; i < all.t.length; i++) {
      while (k < this.collected.length && this.collected[k]! < all.t[i]!) k++;
      if (this.collected[k] === all.t[i]) {
        kept.t.push(all.t[i]!);
        kept.v.push(all.v[i]!);
      }
    }
    return kept;
  }
}

/**
 * Bytes per allocated block (pymalloc's used bytes, or traced bytes, over the
 * block count): turns the object count, read every tick, into a byte floor.
 * The used-bytes figure itself comes once a minute at a random phase of the
 * sawtooth, so its own minima hardly see the floor.
 */
function bytesPerBlock(view: SeriesView, from: number): number | undefined {
  // The newest dozen buckets that have both: the ratio drifts little. (Slow rounds back off to as rarely as hourly on big heaps, so the whole window is searched.)
  const blocks = readPoints(view, 'cpython.pymalloc.allocated_blocks', 'min', from);
  for (const metric of ['cpython.pymalloc.used_bytes', 'cpython.tracemalloc.current']) {
    const ratios = combine(readPoints(view, metric, 'min', from), blocks, (bytes, n) => (n > 0 ? bytes / n : NaN)).v.filter((r) => r > 0);
    if (ratios.length >= 1) return median(ratios, Math.max(0, ratios.length - 12));
  }
  return undefined;
}

/**
 * Python's live memory, read where it is freshest: the object count every tick
 * (in bytes through bytesPerBlock) plus malloc's in-use and mmap figures every
 * tick (objects over 512 bytes, C extensions); traced bytes when tracemalloc
 * runs. That sum is the in-use breakdown, which itself carries pymalloc's
 * once-a-minute figure, whose random phase on the sawtooth reads as trends:
 * it and used bytes are weighed for the evidence only. The count alone (in
 * bytes) and malloc alone are cleaner floors than their sum and decide too;
 * the sum gives the rate. Whether the growth is Python objects (heap) or not
 * (native) is the object count's to say.
 */
export function pythonLeakSignals(view: SeriesView, from: number): LeakSignal[] {
  const has = (m: string) => view.latest(m) !== undefined;
  let floors: PythonHeapFloors | undefined;
  const heapFloor = (metric: string, label: string, where: LeakSignal['where'], unit: LeakSignal['unit'], role: LeakSignal['role']): LeakSignal =>
    new LazySignal(metric, label, where, unit, role, () => (floors ??= new PythonHeapFloors(view, from)).floor(metric));
  const signals = [
    ...(has('cpython.tracemalloc.current') ? [heapFloor('cpython.tracemalloc.current', 'tracemalloc', 'heap', 'bytes', 'decides')] : []),
    heapFloor('cpython.pymalloc.used_bytes', 'pymalloc used', 'heap', 'bytes', 'reported'),
    heapFloor('process.memory.breakdown{part=in_use}', 'in use', 'live', 'bytes', 'reported'),
    floorOf(view, from, 'process.memory.breakdown{part=other}', 'native other', 'native', 'bytes', 'decides'),
  ];
  const blocks = heapFloor('cpython.pymalloc.allocated_blocks', 'allocated blocks', 'heap', 'count', 'corroborates');
  signals.push(blocks);
  let perBlock: number | undefined | null = null;
  const bytesEach = () => (perBlock ??= has('cpython.pymalloc.allocated_blocks') ? (bytesPerBlock(view, from) ?? 0) : 0);
  // The object count in bytes alone: the cleanest heap floor (every tick), blind to objects over 512 bytes.
  signals.push(
    new LazySignal(blocks.metric, 'allocated blocks', 'heap', 'bytes', 'decides', () => {
      const each = bytesEach();
      const e = blocks.envelope;
      const v = new Float64Array(each ? e.n : 0);
      for (let i = 0; i < v.length; i++) v[i] = e.v[i]! * each;
      return { signal: `${blocks.metric} × ${Math.round(each)} bytes`, t: e.t, v, n: v.length };
    }),
  );
  // Live bytes: the object count in bytes plus what malloc hands out (objects over 512 bytes, C extensions).
  signals.push(
    new LazySignal('process.memory.breakdown{part=in_use}', 'live bytes', 'live', 'bytes', 'reported', () => {
      const width = groupMs(view, from);
      const malloced = has('glibc.malloc.in_use') ? combine(readPoints(view, 'glibc.malloc.in_use', 'min', from), readPoints(view, 'glibc.malloc.mmap', 'min', from), (a, b) => a + b) : undefined;
      const each = bytesEach();
      if (!each) return fold('glibc.malloc.in_use + glibc.malloc.mmap', malloced ?? { t: [], v: [] }, 'min', width);
      const objects = (floors ??= new PythonHeapFloors(view, from)).floorPoints('cpython.pymalloc.allocated_blocks');
      const live = malloced ? combine(objects, malloced, (n, m) => n * each + m) : { t: objects.t, v: objects.v.map((n) => n * each) };
      return fold('allocated_blocks × bytes per block + glibc.malloc.in_use + glibc.malloc.mmap', live, 'min', width);
    }),
  );
  if (has('glibc.malloc.in_use')) {
    signals.push(
      new LazySignal('glibc.malloc.in_use', 'malloc in use', 'live', 'bytes', 'decides', () => {
        const malloced = combine(readPoints(view, 'glibc.malloc.in_use', 'min', from), readPoints(view, 'glibc.malloc.mmap', 'min', from), (a, b) => a + b);
        return fold('glibc.malloc.in_use + glibc.malloc.mmap', malloced, 'min', groupMs(view, from));
      }),
    );
  }
  const rss = has('process.memory.rss_anon') ? 'process.memory.rss_anon' : 'process.memory.rss';
  signals.push(floorOf(view, from, rss, rss === 'process.memory.rss' ? 'RSS' : 'anonymous RSS', 'live', 'bytes', 'fallback'));
  signals.push(floorOf(view, from, 'container.memory.usage', 'container usage', 'live', 'bytes', 'fallback'));
  return signals;
}

export function nodeLeakSignals(view: SeriesView, from: number): LeakSignal[] {
  const signals = [
    floorOf(view, from, 'v8js.memory.heap.used_after_gc', 'used_after_gc', 'heap', 'bytes', 'decides'),
    floorOf(view, from, 'nodejs.memory.external', 'external', 'native', 'bytes', 'decides'),
    floorOf(view, from, 'nodejs.memory.array_buffers', 'array_buffers', 'native', 'bytes', 'decides'),
    floorOf(view, from, 'v8js.contexts.native', 'native contexts', 'contexts', 'count', 'corroborates'),
  ];
  // RSS the heap does not explain: a native addon's malloc shows nowhere else. heap_total steps when V8 grows its heap.
  // Node reads RSS every tick (rss_anon only on slow rounds), so RSS makes the better floor.
  const rssName = 'process.memory.rss';
  signals.push(
    new LazySignal(rssName, 'RSS beyond the heap', 'native', 'bytes', 'strict', () => {
      const beyondHeap = combine(readPoints(view, rssName, 'min', from), readPoints(view, 'nodejs.memory.heap_total', 'min', from), (rss, heap) => rss - heap);
      return fold(`${rssName} - nodejs.memory.heap_total`, beyondHeap, 'min', groupMs(view, from));
    }),
  );
  return signals;
}
