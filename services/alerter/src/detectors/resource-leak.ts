// Resource leak: descriptors, threads or handles opened and never closed, and
// Python's ResourceWarnings (files and sockets collected unclosed). Counts get
// the same growth analysis as memory floors: a pool that opens its connections
// once is a step, not a leak. A specific descriptor kind is reported before
// the total it is part of, and growing descriptors get a time to the fd limit.
import type { ResourceLeakParams } from '@memsight/contracts';
import { envelope, evidenceSeries, extent, extentUsable, fold, groupMs, increase, readPoints, usable, windowLongEnough, windowStart, type Envelope } from './envelope';
import { formatCount, formatConfidence, formatDuration, formatUtc, isoTime } from './format';
import { analyseGrowth, growthSpanMs, trendOf, windowRatePerHour, type Growth } from './growth';
import type { Detector, Finding, SeriesView } from './types';

interface Counted {
  metric: string;
  label: string;
  kind: 'fds' | 'threads' | 'handles' | 'warnings';
  /** Reported only when nothing more specific grows (the fd total). */
  general: boolean;
  envelope: Envelope;
}

const NEXT_STEP: Record<Counted['kind'], string> = {
  fds: 'Descriptors are opened and never closed: close files and sockets in finally/with blocks (or destroy streams); lsof -p <pid> or ls -l /proc/<pid>/fd shows what they point to.',
  threads: 'Threads are started and never finish: look for per-request threads or executors created and not shut down.',
  handles: 'Active handles keep accumulating: look for timers never cleared, sockets never destroyed, or listeners added per request.',
  warnings: 'Python collects files or sockets that were never closed: run with -X dev (or -W always::ResourceWarning) to see where they were opened, and close them with `with` blocks.',
};

/** The counts that could be growing (others are flat over the window, or have too little data), and whether any had enough data to judge. */
function signals(view: SeriesView, from: number, p: ResourceLeakParams): { counted: Counted[]; flat: string[]; judged: boolean } {
  const counted: Counted[] = [];
  const flat: string[] = [];
  let judged = false;
  const consider = (metric: string, label: string, kind: Counted['kind'], general: boolean, agg: 'min' | 'last') => {
    const x = extent(view, metric, agg, from);
    if (!extentUsable(x, view, p)) return;
    judged = true;
    if (x.hi - x.lo < p.minIncrease) {
      flat.push(metric); // cannot have grown enough
      return;
    }
    const e =
      kind === 'warnings'
        ? fold(metric, increase(readPoints(view, metric, 'last', from)), 'last', groupMs(view, from))
        : envelope(view, metric, 'min', from);
    if (usable(e, view, p)) counted.push({ metric, label, kind, general, envelope: e });
  };
  const fdNames = view.names('process.open_fds{kind=');
  // With the kinds known, the total is their sum: it is read for the limit forecast only.
  const kinds = fdNames.filter((n) => n !== 'process.open_fds{kind=total}');
  for (const name of kinds.length ? kinds : fdNames) {
    const kind = name.slice('process.open_fds{kind='.length, -1);
    consider(name, kind === 'total' ? 'open descriptors' : `${kind} descriptors`, 'fds', kind === 'total', 'min');
  }
  consider('process.threads', 'threads', 'threads', false, 'min');
  for (const name of view.names('nodejs.active_resources{type=')) consider(name, `${name.slice('nodejs.active_resources{type='.length, -1)} handles`, 'handles', false, 'min');
  // A counter: its range over the window is its increase (a reset only makes the range smaller than the increase).
  consider('cpython.resource_warnings', 'ResourceWarnings', 'warnings', false, 'last');
  return { counted, flat, judged };
}

export const resourceLeak: Detector<ResourceLeakParams> = (view, p) => {
  if (!windowLongEnough(view, p)) return undefined;
  const from = windowStart(view, p);
  const gates = { minConfidence: p.minConfidence, minRatePerHour: p.minRatePerHour, minRelativeRatePerHour: 0, minIncrease: p.minIncrease, resolution: 0.5, minGrowthMs: growthSpanMs(p.minSpanSeconds) };
  const { counted, flat, judged: any } = signals(view, from, p);
  if (!any) return undefined;
  const judged = counted.map((c) => ({ c, g: analyseGrowth(c.envelope, gates) }));
  const growing = judged.filter((j) => j.g.growing);
  const specific = growing.filter((j) => !j.c.general);
  const pool = specific.length ? specific : growing;
  let top: (typeof judged)[number] | undefined;
  for (const j of pool) if (!top || j.g.ratePerHour > top.g.ratePerHour) top = j;
  if (!top) return null;
  return finding(view, top.c, top.g, judged, flat);
};

function finding(view: SeriesView, c: Counted, g: Growth, judged: { c: Counted; g: Growth }[], flat: string[]): Finding {
  const e = c.envelope;
  const others: Record<string, number> = {};
  for (const metric of flat) others[`${metric} per hour`] = 0;
  for (const j of judged) {
    if (j.c === c) continue;
    others[`${j.c.metric} per hour`] = Math.round((Number.isFinite(j.g.ratePerHour) ? j.g.ratePerHour : windowRatePerHour(j.c.envelope)) * 10) / 10;
  }
  const count = c.kind === 'warnings' ? (view.latest('cpython.resource_warnings') ?? e.v[e.n - 1]!) : e.v[e.n - 1]!;
  let limitNote = '';
  let forecast: Finding['evidence']['forecast'];
  const maxFds = view.latest('process.max_fds');
  const totalFds = view.latest('process.open_fds{kind=total}');
  if (c.kind === 'fds' && maxFds && totalFds !== undefined && g.ratePerHour > 0) {
    const secondsToLimit = Math.max(0, ((maxFds - totalFds) / g.ratePerHour) * 3600);
    const at = (rate: number) => (rate > 0 ? isoTime(view.nowMs + Math.max(0, ((maxFds - totalFds) / rate) * 3_600_000)) : null);
    forecast = {
      limitName: 'process.max_fds',
      limitBytes: maxFds,
      at: at(g.ratePerHour)!,
      earliest: at(Number.isFinite(g.rateHighPerHour) ? g.rateHighPerHour : g.ratePerHour)!,
      latest: at(g.rateLowPerHour),
      secondsToLimit,
    };
    others.secondsToMaxFds = Math.round(secondsToLimit);
    limitNote = `; the limit of ${formatCount(maxFds)} in ${formatDuration(secondsToLimit)}`;
  }
  const what = c.kind === 'warnings' ? `${formatCount(e.v[e.n - 1]! - e.v[g.from]!)} more ResourceWarnings` : `${c.label} grow ${formatCount(e.v[g.from]!)} → ${formatCount(e.v[e.n - 1]!)}`;
  return {
    summary: `${what}, ${formatCount(g.ratePerHour)}/h (${formatConfidence(g.confidence)} confidence) since ${formatUtc(g.startMs, view.nowMs)}${limitNote}`,
    metric: c.metric,
    value: g.ratePerHour,
    evidence: {
      nextStep: NEXT_STEP[c.kind],
      where: 'resources',
      metric: c.metric,
      ratePerHour: g.ratePerHour,
      confidence: g.confidence,
      growthStartedAt: isoTime(g.startMs),
      level: count,
      series: evidenceSeries(e),
      trend: trendOf(g),
      ...(forecast ? { forecast } : {}),
      signals: others,
    },
  };
}
