'use client';
// One instance: identity, and RSS and heap over the last hour, updated live
// through the socket.io gateway.
import { useEffect, useMemo, useState } from 'react';
import { EVENTS, type InstanceSummary } from '@memsight/contracts';
import { api } from '../lib/api';
import { openGatewaySocket } from '../lib/socket';
import { formatAgo, formatBytes } from '../lib/format';
import { heapMetricFor, RSS_METRIC } from '../lib/heap-metric';
import { mergePoints, type PointsByMetric } from '../lib/merge-points';
import { MemoryChart, type ChartData } from './MemoryChart';

const HOUR_MS = 3_600_000;

export function InstanceView({ apiKey, id }: { apiKey: string; id: string }) {
  const [instance, setInstance] = useState<InstanceSummary | null>(null);
  const [points, setPoints] = useState<PointsByMetric>({});
  const [error, setError] = useState<string | null>(null);
  const [liveStatus, setLiveStatus] = useState('connecting');

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const inst = await api.instance(apiKey, id);
        const now = Date.now();
        const metrics = [RSS_METRIC, heapMetricFor(inst.runtime)];
        const res = await api.series(apiKey, id, metrics, now - HOUR_MS, now + 60_000);
        if (cancelled) return;
        setInstance(inst);
        setPoints(Object.fromEntries(res.series.map((s) => [s.metric, s.points as [number, number | null][]])));
      } catch (err) {
        if (!cancelled) setError((err as Error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [apiKey, id]);

  useEffect(() => {
    const socket = openGatewaySocket(apiKey);
    socket.on('connect', () => {
      socket.emit(EVENTS.subscribe, { instanceId: id }, (ack) => setLiveStatus(ack.ok ? 'live' : ack.error.message));
    });
    socket.on('connect_error', (err) => setLiveStatus(`offline: ${err.message}`));
    socket.on(EVENTS.samplesAppended, (payload) => {
      if (payload.instanceId === id) setPoints((prev) => mergePoints(prev, payload, Date.now() - HOUR_MS));
    });
    return () => {
      socket.close();
    };
  }, [apiKey, id]);

  const chart: ChartData | null = useMemo(() => {
    if (!instance) return null;
    const heap = heapMetricFor(instance.runtime);
    const rss = points[RSS_METRIC] ?? [];
    const heapPoints = new Map((points[heap] ?? []).map(([t, v]) => [t, v]));
    return {
      x: rss.map(([t]) => t / 1000),
      series: [
        { label: 'RSS', color: '#7a3cff', values: rss.map(([, v]) => v) },
        { label: instance.runtime === 'node' ? 'V8 heap used' : 'pymalloc used', color: '#12b76a', values: rss.map(([t]) => heapPoints.get(t) ?? null) },
      ],
    };
  }, [instance, points]);

  if (error) return <p className="error" role="alert">{error}</p>;
  if (!instance || !chart) return <p className="muted">Loading instance…</p>;
  const lastRss = chart.series[0]!.values.at(-1);
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
        <span><b>RSS now</b>{formatBytes(lastRss)}</span>
        <span><b>limit</b>{formatBytes(instance.memoryLimitBytes)}</span>
        <span><b>stream</b><span className={liveStatus === 'live' ? 'live' : 'muted'} data-live-status={liveStatus}>{liveStatus}</span></span>
      </div>
      <section className="card">
        <h2>Memory, last hour</h2>
        {chart.x.length === 0 ? <p className="muted">No samples in the last hour.</p> : <MemoryChart data={chart} />}
      </section>
    </>
  );
}
