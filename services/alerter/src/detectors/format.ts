// Figures as a summary line shows them. MB are MiB (2^20), as the agents' and
// dashboard's memory figures are.
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = v >= 100 || u === 0 ? 0 : 1;
  return `${bytes < 0 ? '-' : ''}${v.toFixed(digits)} ${UNITS[u]}`;
}

export function formatCount(n: number): string {
  const a = Math.abs(n);
  return a >= 100 || Number.isInteger(n) ? Math.round(n).toLocaleString('en-US') : n.toFixed(a >= 10 ? 1 : 2);
}

/** 0.99934 → "99.9%"; never rounds up to 100% (a test is never certain). */
export function formatConfidence(p: number): string {
  const pct = Math.min(99.9, Math.floor(p * 1000) / 10);
  return `${pct.toFixed(1)}%`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

/** "10:42 UTC", with the date when it is not the reference day. */
export function formatUtc(ms: number, referenceMs = ms): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(referenceMs).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(seconds < 10 * 3600 ? 1 : 0)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
