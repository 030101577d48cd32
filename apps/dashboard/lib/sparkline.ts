// A sparkline's SVG path: the series scaled into a small box, its lowest
// reading on the bottom edge and its highest on the top (a flat line sits in
// the middle). Gaps in time are not bridged: a stopped app shows a break. Pure.
export function sparklinePath(t: number[], v: number[], width: number, height: number, maxGapMs = 5 * 60_000): string {
  if (t.length === 0) return '';
  const t0 = t[0]!;
  const span = Math.max(1, t.at(-1)! - t0);
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const pad = 1; // the stroke's half width, so the top and bottom are not clipped
  const y = (x: number) => (hi === lo ? height / 2 : pad + (1 - (x - lo) / (hi - lo)) * (height - 2 * pad));
  const x = (ms: number) => (t.length === 1 ? width / 2 : ((ms - t0) / span) * width);
  return t
    .map((ms, i) => `${i === 0 || ms - t[i - 1]! > maxGapMs ? 'M' : 'L'}${x(ms).toFixed(1)},${y(v[i]!).toFixed(1)}`)
    .join(' ');
}
