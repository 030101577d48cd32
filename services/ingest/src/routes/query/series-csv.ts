// A series answer as CSV: a header of `time` and the metric names, then one
// row per time any series has a point, oldest first. Times are ISO 8601 UTC;
// a metric without a value at that time (or a gap) is an empty cell.
import type { SeriesResponse } from '@memsight/contracts';

/** RFC 4180 quoting, and a leading apostrophe for a cell a spreadsheet would run as a formula. */
function cell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function seriesCsv(answer: SeriesResponse): string {
  const byTime = new Map<number, (number | null)[]>();
  answer.series.forEach((s, k) => {
    for (const point of s.points) {
      const [t, v] = point as [number, number | null];
      const row = byTime.get(t) ?? new Array<number | null>(answer.series.length).fill(null);
      row[k] = v;
      byTime.set(t, row);
    }
  });
  const lines = [['time', ...answer.series.map((s) => s.metric)].map(cell).join(',')];
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) {
    lines.push([new Date(t).toISOString(), ...byTime.get(t)!.map((v) => (v === null ? '' : String(v)))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
