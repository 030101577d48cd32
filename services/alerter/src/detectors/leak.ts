// Leak: memory that keeps growing and is never given back. Every candidate
// floor of the runtime is judged by the same growth analysis (shape, Theil-Sen,
// Mann-Kendall, rate floors, noise, new high); the most convincing one that
// passes is reported, with the others' rates beside it. A one-time step, a
// ramp that stopped, or a sawtooth whose floor is flat is not growth, and a
// process still in its warm-up is not judged at all.
import type { LeakParams } from '@memsight/contracts';
import { evidenceSeries, usable, windowLongEnough, windowStart, type Envelope } from './envelope';
import { formatBytes, formatConfidence, formatCount, formatUtc, isoTime } from './format';
import { analyseGrowth, growthSpanMs, trendOf, trendSince, windowRatePerHour, type Growth, type GrowthGates } from './growth';
import { nodeLeakSignals, pythonLeakSignals, type LeakSignal, type LeakWhere } from './leak-signals';
import type { Detector, Finding, SeriesView } from './types';

const PAGE = 4096;
/** Floors that move for reasons other than leaks (RSS) decide alone only at this confidence and twice the rate floors. */
const STRONG_CONFIDENCE = 0.999;
const STRONG_RATE_FACTOR = 2;
/** RSS-like growth with no other floor behind it must last this long. */
const SUSTAINED_MS = 30 * 60_000;
/** V8 contexts: a count that only grows. Alone it must grow by this many, at this rate; beside a growing heap, by two. */
const CONTEXTS_ALONE = { increase: 5, perHour: 5 };

interface Judged {
  signal: LeakSignal;
  growth: Growth;
}

function gatesFor(s: LeakSignal, p: LeakParams): GrowthGates {
  const minGrowthMs = growthSpanMs(p.minSpanSeconds);
  if (s.unit === 'bytes') {
    return { minConfidence: p.minConfidence, minRatePerHour: p.minRateBytesPerHour, minRelativeRatePerHour: p.minRelativeRatePerHour, minIncrease: 0, resolution: PAGE, minGrowthMs };
  }
  if (s.where === 'contexts') return { minConfidence: 0.95, minRatePerHour: 0, minRelativeRatePerHour: 0, minIncrease: 2, resolution: 0.5, minGrowthMs };
  // Python's object count only says where: a looser test than the bytes that decide.
  return { minConfidence: 0.95, minRatePerHour: 0, minRelativeRatePerHour: p.minRelativeRatePerHour / 2, minIncrease: 0, resolution: 1, minGrowthMs };
}

function strong(g: Growth, p: LeakParams): boolean {
  const floor = Math.max(p.minRateBytesPerHour, p.minRelativeRatePerHour * g.level);
  return g.confidence >= Math.max(p.minConfidence, STRONG_CONFIDENCE) && g.ratePerHour >= STRONG_RATE_FACTOR * floor;
}

function durationMs(j: Judged): number {
  const e = j.signal.envelope;
  return e.t[e.n - 1]! - j.growth.startMs;
}

/** Rise over noise: how convincing a passing growth is. */
function convincing(j: Judged): number {
  return j.growth.rise / Math.max(j.growth.noise, PAGE);
}

function best(list: Judged[], by: (j: Judged) => number = convincing): Judged | undefined {
  let top: Judged | undefined;
  for (const j of list) if (!top || by(j) > by(top)) top = j;
  return top;
}

export const leak: Detector<LeakParams> = (view, p) => {
  if (!windowLongEnough(view, p)) return undefined;
  const from = windowStart(view, p);
  const node = view.instance.runtime === 'node';
  const all = (node ? nodeLeakSignals : pythonLeakSignals)(view, from);
  const primary = all.filter((s) => s.role !== 'fallback' && s.role !== 'reported' && usable(s.envelope, view, p));
  // RSS-like fallbacks are judged only when no live-memory signal has data (musl, no mallinfo2, an old agent).
  const deciding = primary.some((s) => s.role === 'decides' || s.role === 'strict');
  const weighed = deciding ? primary : [...primary, ...all.filter((s) => s.role === 'fallback' && usable(s.envelope, view, p))];
  const judge = (signal: LeakSignal): Judged => ({ signal, growth: analyseGrowth(signal.envelope, gatesFor(signal, p)) });
  // Python's object count only places growth that live signals found: judged only when one did.
  const judged = weighed.filter((s) => node || s.role !== 'corroborates').map(judge);
  if (!judged.some((j) => j.signal.role !== 'corroborates')) return undefined;
  const growing = judged.filter((j) => j.growth.growing && j.signal.role !== 'corroborates');
  let corroborator = judged.find((j) => j.signal.role === 'corroborates' && j.growth.growing);
  if (!node && growing.some((j) => j.signal.where === 'live')) {
    const count = weighed.find((s) => s.role === 'corroborates');
    const c = count && judge(count);
    if (c) judged.push(c);
    if (c?.growth.growing) corroborator = c;
  }
  const passing = growing.filter((j) => {
    if (j.signal.role === 'decides') return true;
    if (j.signal.role === 'fallback') return strong(j.growth, p) || corroborator !== undefined;
    // RSS beyond the heap also grows while a young process compiles code and sizes its allocators:
    // strong evidence, held for SUSTAINED_MS or with Buffers growing too.
    return strong(j.growth, p) && (durationMs(j) >= SUSTAINED_MS || growing.some((o) => o.signal.role === 'decides' && o.signal.where === 'native'));
  });

  if (node) {
    const contexts = judged.find((j) => j.signal.where === 'contexts');
    // The heap floor and Buffers' own figures before RSS beyond the heap (which heap_total's steps move too); then the faster.
    const decided = passing.filter((j) => j.signal.role === 'decides');
    const bytes = best(decided.length ? decided : passing, (j) => j.growth.ratePerHour);
    const c = contexts?.growth;
    const contextsLeak = c?.growing && (bytes || (c.confidence >= p.minConfidence && c.rise >= CONTEXTS_ALONE.increase && c.ratePerHour >= CONTEXTS_ALONE.perHour));
    if (contexts && contextsLeak) return contextsFinding(view, p, all, contexts, bytes ?? judged.find((j) => j.signal.where === 'heap'), judged);
    if (!bytes) return null;
    return bytesFinding(view, p, all, bytes, bytes.signal.where as LeakWhere, judged);
  }

  // Python: the most convincing floor decides; malloc's and RSS's growth is placed by whether Python objects grow with it.
  const chosen = best(passing);
  if (!chosen) return null;
  const where: LeakWhere = chosen.signal.where !== 'live' ? (chosen.signal.where as LeakWhere) : corroborator || objectsGrow(all, chosen) ? 'heap' : 'native';
  const live = where === 'heap' ? all.find((s) => s.label === 'live bytes') : undefined;
  const total = live && live.envelope.n > 0 ? trendSince(live.envelope, chosen.growth.startMs) : undefined;
  // The sum of live bytes gives the whole rate (objects of every size, and malloc); a cleaner part is what passed.
  if (total && total.ratePerHour > chosen.growth.ratePerHour) {
    const growth = { ...chosen.growth, ratePerHour: total.ratePerHour, line: total.line, level: total.level };
    return bytesFinding(view, p, all, { signal: live!, growth }, where, judged);
  }
  return bytesFinding(view, p, all, chosen, where, judged);
};

/** Whether Python's object count (or traced bytes) rose with a malloc or RSS growth: then it is Python objects. */
function objectsGrow(all: LeakSignal[], chosen: Judged): boolean {
  for (const s of all) {
    if (!(s.unit === 'count' && s.role === 'corroborates') && s.label !== 'tracemalloc') continue;
    if (s.envelope.n === 0) continue;
    const t = trendSince(s.envelope, chosen.growth.startMs);
    // A quarter of the growth's pace, relative to each one's level, is a share that matters.
    if (t && t.confidence >= 0.9 && t.ratePerHour / Math.abs(t.level) >= (0.25 * chosen.growth.ratePerHour) / Math.abs(chosen.growth.level)) return true;
  }
  return false;
}

/** Every other floor's rate per hour (its growing part's when it has one, else the window's): what else moved, and what did not. */
function otherRates(view: SeriesView, p: LeakParams, all: LeakSignal[], judged: Judged[], chosen: Judged): Record<string, number> {
  const signals: Record<string, number> = {};
  const put = (e: Envelope, rate: number) => (signals[`${e.signal} per hour`] = Math.round(rate * 100) / 100);
  for (const j of judged) {
    if (j !== chosen) put(j.signal.envelope, Number.isFinite(j.growth.ratePerHour) ? j.growth.ratePerHour : windowRatePerHour(j.signal.envelope));
  }
  for (const s of all) {
    if ((s.role === 'reported' || s.role === 'fallback') && s !== chosen.signal && !judged.some((j) => j.signal.envelope.signal === s.envelope.signal) && usable(s.envelope, view, p)) {
      put(s.envelope, windowRatePerHour(s.envelope));
    }
  }
  return signals;
}

function nextStepFor(view: SeriesView, where: LeakWhere): string {
  const node = view.instance.runtime === 'node';
  if (where === 'contexts') {
    return 'vm contexts are created and kept alive: anything kept from a context (a function, an object) retains the whole context, so reuse one context or drop those references.';
  }
  if (node && where === 'heap') return 'Set MEMSIGHT_HEAP_SAMPLING=32768 to see the growing allocation sites, or take two heap snapshots and compare.';
  if (node) return 'Memory outside the JS heap grows (Buffers, ArrayBuffers or a native addon): look for Buffers kept in caches, queues or unconsumed streams; a heap snapshot shows the JS objects that hold them.';
  const tracing = view.latest('cpython.tracemalloc.current') !== undefined;
  if (where === 'heap') {
    return tracing
      ? 'Compare the allocation sites of the latest tracemalloc snapshots: the site whose size keeps growing is the leak.'
      : 'tracemalloc is off in this process: set MEMSIGHT_TRACEMALLOC=1 to see allocation sites.';
  }
  return tracing
    ? 'tracemalloc does not see this memory: native code (a C extension or library) allocates it, not Python objects.'
    : 'Memory outside Python objects grows (a C extension or large native buffers): set MEMSIGHT_TRACEMALLOC=1 to see whether Python code allocates it.';
}

function bytesFinding(view: SeriesView, p: LeakParams, all: LeakSignal[], chosen: Judged, where: LeakWhere, judged: Judged[]): Finding {
  const g = chosen.growth;
  const node = view.instance.runtime === 'node';
  const what = where === 'heap' ? (node ? 'heap floor' : 'Python heap') : 'native memory';
  const summary = `${what} grows ${formatBytes(g.ratePerHour)}/h (${chosen.signal.label}, ${formatConfidence(g.confidence)} confidence) since ${formatUtc(g.startMs, view.nowMs)}`;
  return {
    summary,
    metric: chosen.signal.metric,
    value: g.ratePerHour,
    evidence: {
      nextStep: nextStepFor(view, where),
      where,
      metric: chosen.signal.metric,
      rateBytesPerHour: g.ratePerHour,
      confidence: g.confidence,
      growthStartedAt: isoTime(g.startMs),
      level: g.level,
      series: evidenceSeries(chosen.signal.envelope),
      trend: trendOf(g),
      signals: otherRates(view, p, all, judged, chosen),
    },
  };
}

function contextsFinding(view: SeriesView, p: LeakParams, all: LeakSignal[], contexts: Judged, bytes: Judged | undefined, judged: Judged[]): Finding {
  const g = contexts.growth;
  const e = contexts.signal.envelope;
  const bytesRate = bytes ? (Number.isFinite(bytes.growth.ratePerHour) ? bytes.growth.ratePerHour : windowRatePerHour(bytes.signal.envelope)) : 0;
  const heap = bytesRate > 0 ? `, heap floor +${formatBytes(bytesRate)}/h` : '';
  const summary = `vm contexts grow ${formatCount(g.ratePerHour)}/h (${formatCount(e.v[g.from]!)} → ${formatCount(e.v[e.n - 1]!)} native contexts, ${formatConfidence(g.confidence)} confidence${heap}) since ${formatUtc(g.startMs, view.nowMs)}`;
  return {
    summary,
    metric: contexts.signal.metric,
    value: bytesRate,
    evidence: {
      nextStep: nextStepFor(view, 'contexts'),
      where: 'contexts',
      metric: contexts.signal.metric,
      rateBytesPerHour: bytesRate,
      ratePerHour: g.ratePerHour,
      confidence: g.confidence,
      growthStartedAt: isoTime(g.startMs),
      level: g.level,
      series: evidenceSeries(e),
      trend: trendOf(g),
      signals: otherRates(view, p, all, judged, contexts),
    },
  };
}
