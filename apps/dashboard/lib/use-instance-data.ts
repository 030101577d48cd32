'use client';
// Everything the instance page draws, for one time window: the instance, the
// panels its metrics fill, their points, its alerts, deploys and snapshots.
// Relative ranges of an hour or less are tailed live over socket.io; longer
// ones are downsampled by the server and refreshed every 30 s; a custom range
// is fixed and read once.
import { useEffect, useRef, useState } from 'react';
import { EVENTS, type AlertSpan, type AlertSummary, type DeployMarker, type InstanceSnapshots, type InstanceSummary } from '@memsight/contracts';
import { api } from './api';
import { mergePoints, type PointsByMetric } from './merge-points';
import { panelsFor, type PanelSpec } from './panels';
import { openGatewaySocket } from './socket';
import { instanceAlertsQuery, stepFor } from './page-calls';
import { isLiveTail, spanOf, type TimeWindow } from './time-range';
import { useWindowLoad } from './use-window-load';

const REFRESH_MS = 30_000;

export interface InstanceData {
  instance: InstanceSummary;
  panels: PanelSpec[];
  points: PointsByMetric;
  /** Its newest alerts, for the list of open ones. */
  alerts: AlertSummary[];
  /** The alerts that overlap the range: the spans drawn on the charts. */
  spans: AlertSpan[];
  deploys: DeployMarker[];
  snapshots: InstanceSnapshots;
  fromMs: number;
  toMs: number;
}

export function useInstanceData(apiKey: string, id: string, range: TimeWindow | null) {
  const [liveStatus, setLiveStatus] = useState('connecting');
  const windowRef = useRef<TimeWindow | null>(null);
  windowRef.current = range;

  const { data, error, setData } = useWindowLoad<InstanceData>(
    range,
    [apiKey, id],
    async (fromMs, toMs, w) => {
      // One round of requests: the signals answer carries every metric's name and series at once.
      const [instance, signals, { alerts }, { spans }, snapshots, { deploys }] = await Promise.all([
        api.instance(apiKey, id),
        api.signals(apiKey, id, fromMs, toMs, stepFor(w)),
        api.alerts(apiKey, instanceAlertsQuery(id)),
        api.alertSpans(apiKey, id, fromMs, toMs),
        api.snapshots(apiKey, id, fromMs, toMs),
        api.instanceDeploys(apiKey, id, fromMs, toMs),
      ]);
      const panels = panelsFor(signals.series.map((s) => s.metric));
      const points: PointsByMetric = Object.fromEntries(signals.series.map((s) => [s.metric, s.points as [number, number | null][]]));
      return { instance, panels, points, alerts, spans, deploys, snapshots, fromMs, toMs };
    },
    // Long relative ranges are downsampled by the server: refreshed, not tailed. A custom range stays put.
    (w) => (w.kind === 'relative' && !isLiveTail(w) ? REFRESH_MS : undefined),
  );

  useEffect(() => {
    const socket = openGatewaySocket(apiKey);
    socket.on('connect', () => {
      socket.emit(EVENTS.subscribe, { instanceId: id }, (ack) => setLiveStatus(ack.ok ? 'live' : ack.error.message));
    });
    socket.on('connect_error', (err) => setLiveStatus(`offline: ${err.message}`));
    socket.on(EVENTS.samplesAppended, (payload) => {
      const w = windowRef.current;
      if (payload.instanceId !== id || !w || !isLiveTail(w)) return;
      const now = Date.now();
      setData((prev) => prev && { ...prev, points: mergePoints(prev.points, payload, now - spanOf(w)), fromMs: now - spanOf(w), toMs: now + 60_000 });
    });
    return () => {
      socket.close();
    };
  }, [apiKey, id]);

  return { data, error, liveStatus };
}
