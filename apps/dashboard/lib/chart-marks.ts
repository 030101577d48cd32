// What every chart of a page marks besides its series: deploys (a new
// version seen starting) as lines, and alerts as spans from when they started
// to when they resolved (or now). In unix seconds, as uPlot's x axis. Pure.
export interface DeployMark {
  at: number;
  label: string;
}

export interface AlertSpan {
  from: number;
  to: number;
  severity: string;
  label: string;
}

export interface ChartMarks {
  deploys: DeployMark[];
  spans: AlertSpan[];
}

export const NO_MARKS: ChartMarks = { deploys: [], spans: [] };

interface DeployLike {
  version: string;
  at: string;
}

interface AlertLike {
  startedAt: string;
  resolvedAt: string | null;
  severity: string;
  kind: string;
  summary: string;
}

/** Marks inside [fromMs, toMs]; an alert still open runs to `nowMs`, one outside the range is left out. */
export function chartMarks(deploys: DeployLike[], alerts: AlertLike[], fromMs: number, toMs: number, nowMs: number): ChartMarks {
  const sec = (ms: number) => ms / 1000;
  return {
    deploys: deploys
      .map((d) => ({ at: Date.parse(d.at), label: d.version }))
      .filter((d) => d.at >= fromMs && d.at <= toMs)
      .map((d) => ({ at: sec(d.at), label: d.label })),
    spans: alerts.flatMap((a) => {
      const start = Date.parse(a.startedAt);
      const end = a.resolvedAt ? Date.parse(a.resolvedAt) : nowMs;
      if (end < fromMs || start > toMs) return [];
      return [{ from: sec(Math.max(start, fromMs)), to: sec(Math.min(end, toMs)), severity: a.severity, label: `${a.kind}: ${a.summary}` }];
    }),
  };
}

/** The marks as words, for the people who cannot see the canvas. */
export function describeMarks(marks: ChartMarks, format: (sec: number) => string): string {
  const parts = [
    ...marks.deploys.map((d) => `deploy ${d.label} at ${format(d.at)}`),
    ...marks.spans.map((s) => `${s.label} from ${format(s.from)} to ${format(s.to)}`),
  ];
  return parts.join('; ');
}
