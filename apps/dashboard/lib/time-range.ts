// The page's time range, kept in the URL: relative (?range=6h, ending now and
// moving with it) or custom (?from=…&to=…, ISO times, fixed). Ranges up to an
// hour are read raw, and tailed live while they are relative; longer ones come
// downsampled by the server and are refreshed every 30 s. Pure.
export const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeName = keyof typeof RANGES;
export const DEFAULT_RANGE: RangeName = '1h';
/** The longest custom range: what the server keeps at full detail is not the question here, the chart's width is. */
export const MAX_CUSTOM_MS = 90 * 86_400_000;
const MIN_CUSTOM_MS = 60_000;

export type TimeWindow = { kind: 'relative'; name: RangeName } | { kind: 'custom'; fromMs: number; toMs: number };
export const DEFAULT_WINDOW: TimeWindow = { kind: 'relative', name: DEFAULT_RANGE };

/** A time in the URL: ISO, or unix ms. NaN when it is neither. */
function parseTime(s: string | null): number {
  if (s === null || s.trim() === '') return NaN;
  return /^\d+$/.test(s) ? Number(s) : Date.parse(s);
}

/** The window a URL asks for; anything unreadable falls back to the default, as a link typed by hand may be. */
export function windowFromQuery(q: URLSearchParams): TimeWindow {
  const fromMs = parseTime(q.get('from'));
  const toMs = parseTime(q.get('to'));
  if (Number.isFinite(fromMs) && Number.isFinite(toMs) && checkCustom(fromMs, toMs) === null) return { kind: 'custom', fromMs, toMs };
  const r = q.get('range');
  return r !== null && r in RANGES ? { kind: 'relative', name: r as RangeName } : DEFAULT_WINDOW;
}

export function windowToQuery(w: TimeWindow): string {
  return w.kind === 'relative' ? `?range=${w.name}` : `?from=${new Date(w.fromMs).toISOString()}&to=${new Date(w.toMs).toISOString()}`;
}

/** Why a custom range cannot be shown, in words for the form; null when it can. */
export function checkCustom(fromMs: number, toMs: number): string | null {
  if (!Number.isFinite(fromMs)) return 'Give a start time.';
  if (!Number.isFinite(toMs)) return 'Give an end time.';
  if (toMs <= fromMs) return 'The end must be after the start.';
  if (toMs - fromMs < MIN_CUSTOM_MS) return 'Pick at least one minute.';
  if (toMs - fromMs > MAX_CUSTOM_MS) return 'Pick at most 90 days.';
  return null;
}

/** The milliseconds to ask for. A relative range reaches a minute past now, so a sample with a clock a little ahead is kept. */
export function resolveWindow(w: TimeWindow, nowMs: number): { fromMs: number; toMs: number } {
  if (w.kind === 'custom') return { fromMs: w.fromMs, toMs: w.toMs };
  return { fromMs: nowMs - RANGES[w.name], toMs: nowMs + 60_000 };
}

export function spanOf(w: TimeWindow): number {
  return w.kind === 'custom' ? w.toMs - w.fromMs : RANGES[w.name];
}

/** Raw samples (step 0) for an hour or less; a step for about CHART_POINTS points otherwise (page-calls.ts). */
export function isRaw(w: TimeWindow): boolean {
  return spanOf(w) <= RANGES['1h'];
}

/** Only a relative range moves with now, so only it is tailed live. */
export function isLiveTail(w: TimeWindow): boolean {
  return w.kind === 'relative' && isRaw(w);
}

export function windowLabel(w: TimeWindow): string {
  if (w.kind === 'relative') return `the last ${w.name}`;
  const f = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${f(w.fromMs)} – ${f(w.toMs)} UTC`;
}

/** A `datetime-local` input's value for a unix ms, in the browser's zone, and back. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number {
  // `new Date('YYYY-MM-DDTHH:mm')` is local time: what the person typed.
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? new Date(value).getTime() : NaN;
}
