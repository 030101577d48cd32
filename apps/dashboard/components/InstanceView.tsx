'use client';
// One instance: identity, its alerts, and a chart per question the agent's
// signals answer (memory against the limit, the heap and its floor, where RSS
// went, spaces and allocators, fragmentation, GC, resources, the event loop).
// The range lives in the URL; short ranges are tailed live over socket.io.
import { useEffect, useMemo, useRef, useState } from 'react';
import { EVENTS, type AlertSummary, type InstanceSnapshots, type InstanceSummary } from '@memsight/contracts';
import { api } from '../lib/api';
import { panelChart } from '../lib/chart-data';
import { formatAgo, formatBytes } from '../lib/format';
import { mergePoints, type PointsByMetric } from '../lib/merge-points';
import { panelsFor, type PanelSpec } from '../lib/panels';
import { openGatewaySocket } from '../lib/socket';
import { isLiveTail, RANGES, rangeFromQuery, type RangeName } from '../lib/time-range';
import { AllocationTables } from './AllocationTables';
import { SignalChart } from './SignalChart';
import { TimeRangePicker } from './TimeRangePicker';

const PER_REQUEST = 50;
const REFRESH_MS = 30_000;

async function loadPoints(apiKey: string, id: string, metrics: string[], fromMs: number, toMs: number, step: number | undefined): Promise<PointsByMetric> {
  const chunks = Array.from({ length: Math.ceil(metrics.length / PER_REQUEST) }, (_, i) => metrics.slice(i * PER_REQUEST, (i + 1) * PER_REQUEST));
  const responses = await Promise.all(chunks.map((c) => api.series(apiKey, id, c, fromMs, toMs, step)));
  return Object.fromEntries(responses.flatMap((r) => r.series.map((s) => [s.metric, s.points as [number, number | null][]])));
}

export function InstanceView({ apiKey, id }: { apiKey: string; id: string }) {
  const [range, setRange] = useState<RangeName | null>(null);
  const [instance, setInstance] = useState<InstanceSummary | null>(null);
  const [panels, setPanels] = useState<PanelSpec[] | null>(null);
  const [points, setPoints] = useState<PointsByMetric>({});
  const [alerts, setAlerts] = useState<AlertSummary[]>([]);
  const [snapshots, setSnapshots] = useState<InstanceSnapshots | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [liveStatus, setLiveStatus] = useState('connecting');
  const [tick, setTick] = useState(0);
  const rangeRef = useRef<RangeName | null>(null);
  rangeRef.current = range;

  useEffect(() => setRange(rangeFromQuery(new URLSearchParams(window.location.search))), []);

  useEffect(() => {
    if (!range) return;
    let cancelled = false;
    void (async () => {
      try {
        const toMs = Date.now() + 60_000;
        const fromMs = toMs - 60_000 - RANGES[range];
        const [inst, { metrics }, { alerts }, snaps] = await Promise.all([
          api.instance(apiKey, id),
          api.metrics(apiKey, id, fromMs, toMs),
          api.alerts(apiKey, new URLSearchParams({ instanceId: id, limit: '20' })),
          api.snapshots(apiKey, id, fromMs, toMs),
        ]);
        const specs = panelsFor(metrics);
        const loaded = await loadPoints(apiKey, id, specs.flatMap((p) => p.metrics), fromMs, toMs, isLiveTail(range) ? 0 : undefined);
        if (cancelled) return;
        setInstance(inst);
        setPanels(specs);
        setPoints(loaded);
        setAlerts(alerts);
        setSnapshots(snaps);
        setError(null);
      } catch (err) {
        if (!cancelled) setError((err as Error).message);
      }
    })();
    // Long ranges are downsampled by the server: refreshed, not tailed.
    const timer = isLiveTail(range) ? undefined : setTimeout(() => setTick((t) => t + 1), REFRESH_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [apiKey, id, range, tick]);

  useEffect(() => {
    const socket = openGatewaySocket(apiKey);
    socket.on('connect', () => {
      socket.emit(EVENTS.subscribe, { instanceId: id }, (ack) => setLiveStatus(ack.ok ? 'live' : ack.error.message));
    });
    socket.on('connect_error', (err) => setLiveStatus(`offline: ${err.message}`));
    socket.on(EVENTS.samplesAppended, (payload) => {
      const r = rangeRef.current;
      if (payload.instanceId === id && r && isLiveTail(r)) setPoints((prev) => mergePoints(prev, payload, Date.now() - RANGES[r]));
    });
    return () => {
      socket.close();
    };
  }, [apiKey, id]);

  const charts = useMemo(() => (panels ?? []).map((p) => ({ panel: p, data: panelChart(p, points) })), [panels, points]);

  const changeRange = (r: RangeName) => {
    history.replaceState(null, '', `?range=${r}`);
    setRange(r);
  };

  if (error) return <p className="error" role="alert">Could not load this instance: {error}</p>;
  if (!instance || !panels || !range) return <p className="muted" aria-live="polite">Loading instance…</p>;
  const rss = points['process.memory.rss'];
  const open = alerts.filter((a) => a.state !== 'resolved');
  return (
    <>
      <p><a href="/">← Apps</a></p>
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
      </div>
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
      {charts.length === 0 && <p className="card muted">No samples in the last {range}. Is the agent still running? Instances report every 10 s.</p>}
      {charts.map(({ panel, data }) => (
        <section className="card" key={panel.id} data-panel={panel.id} aria-labelledby={`panel-${panel.id}`}>
          <h2 id={`panel-${panel.id}`}>{panel.title}</h2>
          {data.x.length === 0 ? <p className="muted">No samples in this range.</p> : <SignalChart data={data} unit={panel.unit} syncKey={`instance-${id}`} />}
        </section>
      ))}
      {snapshots && <AllocationTables snapshots={snapshots} runtime={instance.runtime} />}
    </>
  );
}
