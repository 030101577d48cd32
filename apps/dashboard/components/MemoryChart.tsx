'use client';
// A uPlot line chart of byte-valued series sharing one time axis.
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import { formatBytes } from '../lib/format';

export interface ChartData {
  /** unix seconds */
  x: number[];
  series: { label: string; color: string; values: (number | null)[] }[];
}

export function MemoryChart({ data, height = 320 }: { data: ChartData; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = data.series.map((s) => s.label).join('|');

  useEffect(() => {
    let disposed = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (disposed || !host.current) return;
      plot.current = new UPlot(
        {
          width: host.current.clientWidth || 900,
          height,
          series: [{}, ...data.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_u: uPlot, v: number | null) => formatBytes(v) }))],
          axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => formatBytes(t)), size: 70 }],
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
  }, [labels, height]);

  useEffect(() => {
    plot.current?.setData([data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData);
  }, [data]);

  return <div ref={host} className="chart" data-points={data.x.length} />;
}
