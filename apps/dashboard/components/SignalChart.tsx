'use client';
// A uPlot line chart of one panel. Charts of a page share a cursor (sync key),
// so a moment picked on one is shown on all of them. Deploys are drawn as
// vertical lines and alerts as shaded spans, behind the series; dragging across
// the chart asks the page for that range.
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import { formatValue, type ChartData } from '../lib/chart-data';
import type { ChartMarks } from '../lib/chart-marks';
import type { PanelUnit } from '../lib/panels';

// uPlot touches the DOM when loaded, so it is imported in the browser only; asking for it as soon as
// this module loads fetches it while the page waits for its data, not after.
const loadUPlot = () => import('uplot');
if (typeof window !== 'undefined') void loadUPlot();

const SPAN_FILL: Record<string, string> = { critical: 'rgba(217, 45, 32, 0.12)', warning: 'rgba(220, 104, 3, 0.12)', info: 'rgba(21, 112, 239, 0.10)' };

/** Paints the marks under the series: uPlot's `drawClear` hook runs after the grid is cleared, before lines. */
function paintMarks(u: uPlot, marks: ChartMarks | undefined): void {
  if (!marks) return;
  const { ctx } = u;
  const { top, height, left, width } = u.bbox;
  ctx.save();
  for (const s of marks.spans) {
    const x0 = Math.max(left, u.valToPos(s.from, 'x', true));
    const x1 = Math.min(left + width, u.valToPos(s.to, 'x', true));
    if (x1 <= x0) continue;
    ctx.fillStyle = SPAN_FILL[s.severity] ?? SPAN_FILL.info!;
    ctx.fillRect(x0, top, x1 - x0, height);
  }
  ctx.strokeStyle = '#475467';
  ctx.fillStyle = '#475467';
  ctx.setLineDash([3, 3]);
  ctx.lineWidth = devicePixelRatio;
  ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
  let lastLabel = -Infinity;
  let row = 0;
  for (const d of marks.deploys) {
    const x = u.valToPos(d.at, 'x', true);
    if (x < left || x > left + width) continue;
    // Deploys close together get their labels on successive lines, not on top of each other.
    row = x - lastLabel < 48 * devicePixelRatio ? row + 1 : 0;
    lastLabel = x;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillText(d.label, x + 3 * devicePixelRatio, top + (12 + 13 * (row % 4)) * devicePixelRatio);
  }
  ctx.restore();
}

export function SignalChart({
  data,
  unit,
  syncKey,
  height = 220,
  marks,
  xRange,
  onZoom,
}: {
  data: ChartData;
  unit: PanelUnit;
  syncKey: string;
  height?: number;
  marks?: ChartMarks;
  /** unix seconds: the window asked for, shown whole (as Grafana does) even where it holds no samples, so a deploy before the first one shows */
  xRange?: [number, number];
  /** unix ms of a range dragged across the chart */
  onZoom?: (fromMs: number, toMs: number) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const marksRef = useRef(marks);
  marksRef.current = marks;
  const xRangeRef = useRef(xRange);
  xRangeRef.current = xRange;
  const zoomRef = useRef(onZoom);
  zoomRef.current = onZoom;
  const labels = data.series.map((s) => s.label).join('|');

  useEffect(() => {
    let disposed = false;
    void loadUPlot().then(({ default: UPlot }) => {
      if (disposed || !host.current) return;
      const format = (v: number | null) => formatValue(unit, v);
      plot.current = new UPlot(
        {
          width: host.current.clientWidth || 900,
          height,
          cursor: { sync: { key: syncKey }, drag: { x: true, y: false, setScale: false } },
          series: [
            {},
            ...data.series.map((s) => ({ label: s.label, stroke: s.color, width: s.dash ? 1.5 : 2, dash: s.dash, spanGaps: s.spanGaps, value: (_u: uPlot, v: number | null) => format(v) })),
          ],
          axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => format(t)), size: 70 }],
          scales: {
            x: {
              time: true,
              // The window, widened to any readings or forecast beyond it.
              range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => {
                const w = xRangeRef.current;
                return w ? [Math.min(min, w[0]), Math.max(max, w[1])] : [min, max];
              },
            },
          },
          hooks: {
            drawClear: [(u: uPlot) => paintMarks(u, marksRef.current)],
            setSelect: [
              (u: uPlot) => {
                if (u.select.width < 8 || !zoomRef.current) return;
                const from = u.posToVal(u.select.left, 'x');
                const to = u.posToVal(u.select.left + u.select.width, 'x');
                u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                zoomRef.current(Math.round(from * 1000), Math.round(to * 1000));
              },
            ],
          },
        },
        [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData,
        host.current,
      );
    });
    const resize = () => {
      if (plot.current && host.current) plot.current.setSize({ width: host.current.clientWidth, height });
    };
    window.addEventListener('resize', resize);
    return () => {
      disposed = true;
      window.removeEventListener('resize', resize);
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuild only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, height, unit, syncKey]);

  useEffect(() => {
    plot.current?.setData([data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData);
  }, [data]);

  useEffect(() => {
    plot.current?.redraw(false);
  }, [marks]);

  return (
    <div
      ref={host}
      className="chart"
      data-points={data.series[0]?.values.filter((v) => v !== null).length ?? 0}
      data-deploys={marks?.deploys.length ?? 0}
      data-alert-spans={marks?.spans.length ?? 0}
    />
  );
}
