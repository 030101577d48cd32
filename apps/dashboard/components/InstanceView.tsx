'use client';
// One instance: identity, its alerts, and a chart per question the agent's
// signals answer (memory against the limit and its forecast, the heap and the
// trend of its floor, where RSS went, spaces and allocators, fragmentation,
// GC, resources, the event loop). Deploys and alert spans are marked on every
// chart. The range lives in the URL; dragging across a chart narrows it.
import { ExportCsv } from './ExportCsv';
import { useMemo } from 'react';
import { panelChart, type ChartData } from '../lib/chart-data';
import { chartMarks, describeMarks } from '../lib/chart-marks';
import { formatAgo, formatBytes } from '../lib/format';
import { describeDrops } from '../lib/agent-drops';
import type { PanelSpec } from '../lib/panels';
import { checkCustom, spanOf, windowLabel } from '../lib/time-range';
import { withForecast, withTrend, type Forecast } from '../lib/trend';
import { useInstanceData } from '../lib/use-instance-data';
import { AllocationTables } from './AllocationTables';
import { useUrlWindow } from '../lib/use-url-window';
import { SignalChart } from './SignalChart';
import { TimeRangePicker } from './TimeRangePicker';

const FLOOR = 'v8js.memory.heap.used_after_gc';

/** The panel's chart, with the lines fitted over it: RSS's forecast to the limit on the memory panel, the floor's trend on the heap panel. */
function fittedChart(panel: PanelSpec, data: ChartData, limit: number | null, horizonSec: number): { data: ChartData; forecast: Forecast | null } {
  if (panel.id === 'memory') {
    const rss = data.series.find((s, i) => panel.metrics[i] === 'process.memory.rss');
    const limits = data.series.find((s, i) => panel.metrics[i] === 'container.memory.limit')?.values.filter((v) => v !== null);
    return rss ? withForecast(data, rss.label, limit ?? limits?.at(-1), horizonSec) : { data, forecast: null };
  }
  if (panel.id === 'heap') {
    const floor = data.series.find((s, i) => panel.metrics[i] === FLOOR);
    return { data: floor ? withTrend(data, floor.label, 'floor trend') : data, forecast: null };
  }
  return { data, forecast: null };
}

function forecastText(f: Forecast | null, nowSec: number): string | null {
  if (!f) return null;
  if (f.reachesAt === null) return `RSS is not rising over this range (${formatBytes(f.perHour)}/h): no limit ahead.`;
  const hours = (f.reachesAt - nowSec) / 3600;
  const when =
    hours < 0 ? 'already past' : hours < 1 ? `in about ${Math.max(1, Math.round(hours * 60))} min` : hours < 48 ? `in about ${hours.toFixed(hours < 10 ? 1 : 0)} h` : `in about ${(hours / 24).toFixed(0)} days`;
  return `At ${formatBytes(f.perHour)}/h, RSS reaches the limit ${when} (${new Date(f.reachesAt * 1000).toLocaleString()}), if the trend holds.`;
}

export function InstanceView({ apiKey, id }: { apiKey: string; id: string }) {
  const [range, changeRange] = useUrlWindow();
  const { data, error, liveStatus } = useInstanceData(apiKey, id, range);

  const limit = data?.instance.memoryLimitBytes ?? null;
  // The forecast reaches a third of the chosen range ahead at most.
  const horizonSec = range ? spanOf(range) / 3000 : 0;
  const charts = useMemo(() => (data?.panels ?? []).map((p) => ({ panel: p, ...fittedChart(p, panelChart(p, data!.points), limit, horizonSec) })), [data, limit, horizonSec]);
  const marks = useMemo(() => (data ? chartMarks(data.deploys, data.spans, data.fromMs, data.toMs, Date.now()) : undefined), [data]);


  // A drag narrower than the shortest custom range is a click, not a zoom.
  const zoom = (fromMs: number, toMs: number) => {
    if (checkCustom(fromMs, toMs) === null) changeRange({ kind: 'custom', fromMs, toMs });
  };

  if (error) return <p className="error" role="alert">Could not load this instance: {error}</p>;
  if (!data || !range) return <p className="muted" aria-live="polite">Loading instance…</p>;
  const { instance } = data;
  const rss = data.points['process.memory.rss'];
  const open = data.alerts.filter((a) => a.state !== 'resolved');
  const forecast = forecastText(charts.find((c) => c.panel.id === 'memory')?.forecast ?? null, Date.now() / 1000);
  const marksText = marks ? describeMarks(marks, (s) => new Date(s * 1000).toLocaleString()) : '';
  const drops = describeDrops(instance);
  return (
    <>
      <p><a href={`/apps/${instance.appId}`}>← {instance.appName}</a></p>
      <h1>
        {instance.appName} <span className="muted">{instance.host}:{instance.pid}</span>
      </h1>
      <div className="card kv">
        <span><b>runtime</b>{instance.runtime} {instance.runtimeVersion}</span>
        <span><b>version</b>{instance.appVersion ?? '–'}</span>
        {instance.worker && <span><b>worker</b>{instance.worker}</span>}
        <span><b>agent</b>{instance.agent}</span>
        <span><b>started</b>{formatAgo(instance.startedAt)}</span>
        <span><b>RSS now</b>{formatBytes(rss?.at(-1)?.[1])}</span>
        <span><b>limit</b>{formatBytes(instance.memoryLimitBytes)}</span>
        <span><b>stream</b><span className={liveStatus === 'live' ? 'live' : 'muted'} data-live-status={liveStatus}>{liveStatus}</span></span>
        <span data-dropped-samples={instance.droppedSamples}><b>dropped</b>{instance.droppedSamples > 0 ? instance.droppedSamples.toLocaleString('en-US') : 'none'}</span>
      </div>
      {drops && (
        // A gap in the charts reads like a quiet process: the loss is said in words (issue 14).
        <p className="card data-loss" role="status" data-drops>
          <span className="badge firing">data lost</span> {drops}. Those samples never reached memsight, so the charts have gaps there: the agent&apos;s buffer was full
          (ingest unreachable or refusing its batches) or the process was too busy to run the agent.
        </p>
      )}
      {open.length > 0 && (
        <section className="card" aria-labelledby="instance-alerts">
          <h2 id="instance-alerts">Open alerts</h2>
          <ul className="firing">
            {open.map((a) => (
              <li key={a.id}><span className={`badge ${a.state}`}>{a.state}</span> {a.summary} <a href={`/alerts?appId=${a.appId}`}>details</a></li>
            ))}
          </ul>
        </section>
      )}
      <TimeRangePicker value={range} onChange={changeRange} />
      {charts.length === 0 && <p className="card muted">No samples in {windowLabel(range)}. Is the agent still running? Instances report every 10 s.</p>}
      {marksText && <p className="muted small" data-marks>On the charts: {marksText}.</p>}
      {charts.map(({ panel, data: chart }) => (
        <section className="card" key={panel.id} data-panel={panel.id} aria-labelledby={`panel-${panel.id}`}>
          <h2 id={`panel-${panel.id}`}>{panel.title}</h2>
          {chart.x.length > 0 && <ExportCsv instanceId={id} metrics={panel.metrics} fromMs={data.fromMs} toMs={data.toMs} />}
          {panel.id === 'memory' && forecast && <p className="muted small" data-forecast>{forecast}</p>}
          {chart.x.length === 0 ? (
            <p className="muted">No samples in this range.</p>
          ) : (
            <SignalChart data={chart} unit={panel.unit} syncKey={`instance-${id}`} marks={marks} xRange={[data.fromMs / 1000, data.toMs / 1000]} onZoom={zoom} />
          )}
        </section>
      ))}
      <AllocationTables snapshots={data.snapshots} runtime={instance.runtime} />
    </>
  );
}

