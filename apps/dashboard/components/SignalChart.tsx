'use client';
// A uPlot line chart of one panel. Charts of a page share a cursor (sync key),
// so a moment picked on one is shown on all of them.
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import { formatValue, type ChartData } from '../lib/chart-data';
import type { PanelUnit } from '../lib/panels';

export function SignalChart({ data, unit, syncKey, height = 220 }: { data: ChartData; unit: PanelUnit; syncKey: string; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = data.series.map((s) => s.label).join('|');

  useEffect(() => {
    let disposed = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (disposed || !host.current) return;
      const format = (v: number | null) => formatValue(unit, v);
      plot.current = new UPlot(
        {
          width: host.current.clientWidth || 900,
          height,
          cursor: { sync: { key: syncKey } },
          series: [{}, ...data.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_u: uPlot, v: number | null) => format(v) }))],
          axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => format(t)), size: 70 }],
          scales: { x: { time: true } },
        },
        [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData,
        host.current,
      );
    });
    return () => {
      disposed = true;
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuild only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, height, unit, syncKey]);

  useEffect(() => {
    plot.current?.setData([data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData);
  }, [data]);

  return <div ref={host} className="chart" data-points={data.x.length} />;
}
