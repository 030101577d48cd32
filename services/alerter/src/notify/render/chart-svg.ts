// The email chart as SVG, for resvg to turn into a PNG (email clients block
// SVG and run no script). A Grafana-like light panel: muted grid, one clear
// line, the detector's trend dashed, and when a limit is in reach, the trend
// carried on to where it meets the limit over a shaded "forecast" band.
import { chartLayout, decimate, EM, type ChartLayout, type ChartSpec } from './chart-layout';
import { escapeHtml, truncate } from './escape';

export { FORECAST_REACH, type ChartSpec } from './chart-layout';

const COLOURS = {
  background: '#ffffff',
  grid: '#e8e9ed',
  axisText: '#6c6f7d',
  title: '#24292e',
  series: '#3274d9',
  trend: '#ff9830',
  limit: '#e02f44',
  forecastBand: '#f4f5f8',
  now: '#c3c6cf',
};
const FONT = "'DejaVu Sans', sans-serif";

export function chartSvg(spec: ChartSpec): string {
  const layout = chartLayout(spec);
  const { width, height } = layout;
  const legend = legendItems(spec, width);
  // Bold DejaVu runs wider than the regular EM estimate.
  const titleChars = Math.floor((legend.x - 24) / (12 * 0.66));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<defs><linearGradient id="area" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${COLOURS.series}" stop-opacity="0.22"/><stop offset="1" stop-color="${COLOURS.series}" stop-opacity="0.02"/></linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="${COLOURS.background}"/>`,
    forecastBand(layout),
    axes(layout),
    `<clipPath id="plot"><rect x="${layout.plot.left}" y="${layout.plot.top - 2}" width="${layout.plot.right - layout.plot.left}" height="${layout.plot.bottom - layout.plot.top + 4}"/></clipPath>`,
    `<g clip-path="url(#plot)">${seriesLine(layout)}${trendLine(layout, spec)}${limitLine(layout, spec)}</g>`,
    labels(layout, spec),
    spec.title ? text(12, 18, truncate(spec.title, titleChars), { size: 12, weight: 600, fill: COLOURS.title }) : '',
    legend.svg,
    '</svg>',
  ].join('\n');
}

function forecastBand({ crossing, points, plot, x }: ChartLayout): string {
  const last = points[points.length - 1];
  if (!crossing || !last) return '';
  const from = x(last.t);
  return [
    `<rect x="${n(from)}" y="${plot.top}" width="${n(plot.right - from)}" height="${plot.bottom - plot.top}" fill="${COLOURS.forecastBand}"/>`,
    `<line x1="${n(from)}" x2="${n(from)}" y1="${plot.top}" y2="${plot.bottom}" stroke="${COLOURS.now}" stroke-width="1" stroke-dasharray="3 3"/>`,
    text(from + 6, plot.top + 11, 'forecast', { size: 9 }),
  ].join('');
}

function axes({ yTicks, xTicks, plot, x, y, width, height }: ChartLayout): string {
  const parts: string[] = [];
  for (const tick of yTicks) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${n(y(tick.value))}" y2="${n(y(tick.value))}" stroke="${COLOURS.grid}" stroke-width="1"/>`);
    parts.push(text(plot.left - 6, y(tick.value) + 3.5, tick.label, { anchor: 'end' }));
  }
  for (const tick of xTicks) {
    parts.push(`<line x1="${n(x(tick.value))}" x2="${n(x(tick.value))}" y1="${plot.top}" y2="${plot.bottom}" stroke="${COLOURS.grid}" stroke-width="1" stroke-opacity="0.6"/>`);
    const halfLabel = (tick.label.length * 10 * EM) / 2;
    parts.push(text(Math.min(x(tick.value), width - halfLabel - 2), height - 8, tick.label, { anchor: 'middle' }));
  }
  parts.push(text(12, height - 8, 'UTC', { size: 9 }));
  return parts.join('');
}

function seriesLine({ points, plot, x, y }: ChartLayout): string {
  const line = decimate(points, plot.right - plot.left).map((p) => [n(x(p.t)), n(y(p.v))] as const);
  if (line.length === 1) return `<circle cx="${line[0]![0]}" cy="${line[0]![1]}" r="3" fill="${COLOURS.series}"/>`;
  if (line.length < 2) return '';
  const joined = line.map(([px, py]) => `${px},${py}`).join(' ');
  const base = n(plot.bottom);
  return (
    `<path d="M${line[0]![0]},${base} L${joined.replaceAll(' ', ' L')} L${line[line.length - 1]![0]},${base} Z" fill="url(#area)"/>` +
    `<polyline points="${joined}" fill="none" stroke="${COLOURS.series}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round"/>`
  );
}

function trendLine({ points, crossing, trendAt, x, y }: ChartLayout, spec: ChartSpec): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!spec.trend || !first || !last) return '';
  const end = crossing?.t ?? last.t;
  return `<line x1="${n(x(first.t))}" y1="${n(y(trendAt(first.t)))}" x2="${n(x(end))}" y2="${n(y(trendAt(end)))}" stroke="${COLOURS.trend}" stroke-width="1.75" stroke-dasharray="6 4"/>`;
}

function limitLine({ crossing, plot, x, y }: ChartLayout, spec: ChartSpec): string {
  if (!spec.limit || !Number.isFinite(spec.limit.value)) return '';
  const ly = n(y(spec.limit.value));
  const line = `<line x1="${plot.left}" x2="${plot.right}" y1="${ly}" y2="${ly}" stroke="${COLOURS.limit}" stroke-width="1.25" stroke-dasharray="2 2"/>`;
  const dot = crossing ? `<circle cx="${n(x(crossing.t))}" cy="${ly}" r="3.5" fill="${COLOURS.limit}" stroke="#ffffff" stroke-width="1.5"/>` : '';
  return line + dot;
}

/** Text over the plot, outside the clip so a label near an edge is not cut. */
function labels({ crossing, plot, x, y, points }: ChartLayout, spec: ChartSpec): string {
  const parts: string[] = [];
  // Near the top, a label goes under its line rather than into the title row.
  const beside = (lineY: number, above: number, below: number) => (lineY - plot.top >= 14 ? lineY - above : lineY + below);
  if (spec.limit && Number.isFinite(spec.limit.value)) {
    // At the left, where a rising series is lowest.
    parts.push(text(plot.left + 6, beside(y(spec.limit.value), 4, 12), truncate(spec.limit.label, 48), { fill: COLOURS.limit }));
  }
  if (crossing) {
    const at = `≈ ${new Date(crossing.t).toISOString().slice(11, 16)}`;
    parts.push(text(x(crossing.t) - 8, beside(y(crossing.v), 6, 14), at, { anchor: 'end', fill: COLOURS.limit, weight: 600 }));
  }
  if (!points.length) parts.push(text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, 'no data', { anchor: 'middle', size: 11 }));
  return parts.join('');
}

function legendItems(spec: ChartSpec, width: number): { svg: string; x: number } {
  const items: { label: string; colour: string; dash?: string }[] = [{ label: 'measured', colour: COLOURS.series }];
  if (spec.trend) items.push({ label: 'trend', colour: COLOURS.trend, dash: '4 3' });
  let x = width - 16;
  const svg: string[] = [];
  for (const item of items.reverse()) {
    x -= item.label.length * 10 * EM;
    svg.push(text(x, 18, item.label));
    x -= 20;
    svg.push(`<line x1="${n(x)}" x2="${n(x + 14)}" y1="14.5" y2="14.5" stroke="${item.colour}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`);
    x -= 14;
  }
  return { svg: svg.join(''), x };
}

/** Every label passes through here, escaped: titles and limit names come from alerts. */
function text(x: number, y: number, content: string, o: { anchor?: 'start' | 'middle' | 'end'; size?: number; weight?: number; fill?: string } = {}): string {
  return `<text x="${n(x)}" y="${n(y)}" font-family="${FONT}" font-size="${o.size ?? 10}"${o.weight ? ` font-weight="${o.weight}"` : ''} fill="${o.fill ?? COLOURS.axisText}" text-anchor="${o.anchor ?? 'start'}">${escapeHtml(content)}</text>`;
}

function n(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0';
}
