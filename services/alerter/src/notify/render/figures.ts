// How figures read in an email: the same binary units as the dashboard
// (apps/dashboard/lib/format.ts), so a number in the email matches the one on
// the page it links to, and times in UTC because the reader's zone is unknown.
import type { MetricDefinition } from '@memsight/contracts';

export type MetricUnit = MetricDefinition['unit'] | string | null;

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The power of 1024 a byte figure of this size reads in: 0 = B, 2 = MiB. */
export function byteScale(n: number): number {
  let u = 0;
  let v = Math.abs(n);
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u;
}

export function byteUnitName(scale: number): string {
  return BYTE_UNITS[scale] ?? 'B';
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const u = byteScale(n);
  const v = n / 1024 ** u;
  return `${v.toFixed(Math.abs(v) >= 100 || u === 0 ? 0 : 1)} ${BYTE_UNITS[u]}`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (Math.abs(n) < 10 && !Number.isInteger(n)) return n.toFixed(1);
  return countFormat.format(n);
}

/** Growth with its sign: "+48.2 MiB", "−3 objects" reads as a change, not a size. */
export function formatSigned(n: number, format: (n: number) => string): string {
  if (!Number.isFinite(n)) return '–';
  return n < 0 ? `−${format(-n)}` : `+${format(n)}`;
}

export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  // A Mann-Kendall confidence of 0.99997 is not certainty: never round it up to 100 %.
  if (pct >= 99.95 && pct < 100) return '> 99.9 %';
  return `${pct.toFixed(pct >= 10 || pct === 0 ? 1 : 2).replace(/\.0+$/, '')} %`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const a = Math.abs(s);
  if (a < 1) return `${a < 0.01 ? Number((s * 1000).toFixed(1)) : (s * 1000).toFixed(0)} ms`;
  if (a < 120) return `${s.toFixed(a < 10 ? 1 : 0)} s`;
  if (a < 7200) return `${Math.round(s / 60)} min`;
  if (a < 172800) return `${(s / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${(s / 86400).toFixed(1).replace(/\.0$/, '')} d`;
}

/** Catalogue count units ('{fd}') as words a reader knows. */
const COUNT_NOUNS: Record<string, string> = {
  '{fd}': 'descriptors',
  '{thread}': 'threads',
  '{object}': 'objects',
  '{context}': 'contexts',
  '{collection}': 'collections',
  '{event}': 'events',
};

export function countNoun(unit: MetricUnit): string | null {
  return unit ? COUNT_NOUNS[unit] ?? null : null;
}

/** A value in its metric's unit; unknown units fall back to a plain number. */
export function formatValue(n: number, unit: MetricUnit): string {
  switch (unit) {
    case 'By':
      return formatBytes(n);
    case '1':
      return formatPercent(n);
    case 's':
      return formatSeconds(n);
    case 'ms':
      return formatSeconds(n / 1000);
    default: {
      const noun = countNoun(unit);
      return noun ? `${formatCount(n)} ${noun}` : formatCount(n);
    }
  }
}

/** "2026-12-02 03:10 UTC"; a string that is not a time is shown as given rather than as "Invalid Date". */
export function formatUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "03:10" when `iso` falls on the same UTC day as `sameDayAs`, else the full "2026-12-03 03:10". */
export function formatUtcNear(iso: string, sameDayAs: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const full = new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const day = Number.isFinite(Date.parse(sameDayAs)) ? new Date(Date.parse(sameDayAs)).toISOString().slice(0, 10) : '';
  return full.startsWith(day) && day ? full.slice(11) : full;
}
