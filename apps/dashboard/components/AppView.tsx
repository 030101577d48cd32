'use client';
// One app: its instances in a table sortable by any column (RSS, growth,
// fragmentation, GC pause, fds, threads, version, worker, last seen), and the
// RSS of the largest ten on one chart, with the app's deploys marked, over
// the range in the URL.
import { useMemo, useState } from 'react';
import type { AppSummary, DeployMarker } from '@memsight/contracts';
import { api } from '../lib/api';
import { formatValue, type ChartData } from '../lib/chart-data';
import { formatAgo, formatBytes } from '../lib/format';
import { chartMarks, describeMarks, type ChartMarks } from '../lib/chart-marks';
import { COLUMNS, sortRows, type Column, type InstanceRow } from '../lib/instance-table';
import { stepFor } from '../lib/page-calls';
import { checkCustom, windowLabel } from '../lib/time-range';
import { useUrlWindow } from '../lib/use-url-window';
import { useWindowLoad } from '../lib/use-window-load';
import { ReleaseCompare } from './ReleaseCompare';
import { SignalChart } from './SignalChart';
import { TimeRangePicker } from './TimeRangePicker';

const LABELS: Record<Column, string> = {
  instance: 'instance', rss: 'RSS', growth: 'growth', fragmentation: 'fragmentation', gcPause: 'GC pause', fds: 'fds', threads: 'threads', version: 'version', worker: 'worker', lastSeen: 'last seen',
};
const PALETTE = ['#7a3cff', '#0e9384', '#dc6803', '#1570ef', '#c11574', '#4e5ba6', '#667085', '#ca8504', '#099250', '#d92d20'];

interface AppPage {
  app: AppSummary | null;
  rows: InstanceRow[];
  chart: ChartData;
  marks: ChartMarks;
  deploys: DeployMarker[];
}

export function AppView({ apiKey, appId }: { apiKey: string; appId: string }) {
  const [range, changeRange] = useUrlWindow();
  const [sort, setSort] = useState<{ by: Column; descending: boolean }>({ by: 'rss', descending: true });
  const { data, error } = useWindowLoad<AppPage>(range, [apiKey, appId], async (fromMs, toMs, w) => {
    // One round of requests: the top instances' RSS comes in one answer, chosen by the server.
    const [{ apps }, { instances }, { instances: figures }, { deploys }, top] = await Promise.all([
      api.apps(apiKey),
      api.instances(apiKey, appId),
      api.figures(apiKey, appId),
      api.appDeploys(apiKey, appId, fromMs, toMs),
      api.topSeries(apiKey, appId, fromMs, toMs, stepFor(w)),
    ]);
    const byId = new Map(figures.map((f) => [f.instanceId, f]));
    const times = [...new Set(top.instances.flatMap((i) => i.points.map((p) => p[0] as number)))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    return {
      app: apps.find((a) => a.id === appId) ?? null,
      rows: instances.map((instance) => ({ instance, figures: byId.get(instance.id) })),
      marks: chartMarks(deploys, [], fromMs, toMs, Date.now()),
      deploys,
      chart: {
        x: times.map((t) => t / 1000),
        series: top.instances.map((i, k) => {
          const values: (number | null)[] = new Array(times.length).fill(null);
          for (const [t, v] of i.points) values[index.get(t as number)!] = v ?? null;
          return { label: `${i.host}:${i.pid}`, color: PALETTE[k % PALETTE.length]!, values };
        }),
      },
    };
  });
  const { app = null, rows = null, chart = null, marks = undefined, deploys = [] } = data ?? {};

  const sorted = useMemo(() => (rows ? sortRows(rows, sort.by, sort.descending) : []), [rows, sort]);
  if (error) return <p className="error" role="alert">Could not load this app: {error}</p>;
  if (!rows) return <p className="muted" aria-live="polite">Loading app…</p>;
  const pct = (v: number | null | undefined) => formatValue('ratio', v);
  return (
    <>
      <p><a href="/">← Apps</a></p>
      <h1>{app?.name ?? 'App'} <span className="muted small">{app ? `${app.liveInstanceCount} live of ${app.instanceCount}` : ''}</span></h1>
      {range && <TimeRangePicker value={range} onChange={changeRange} />}
      {chart && chart.series.length > 0 && range && (
        <section className="card" data-panel="app-rss" aria-labelledby="app-rss-title">
          <h2 id="app-rss-title">RSS of the largest instances, {windowLabel(range)}</h2>
          {marks && marks.deploys.length > 0 && <p className="muted small" data-marks>Deploys: {describeMarks(marks, (sec) => new Date(sec * 1000).toLocaleString())}.</p>}
          <SignalChart
            data={chart}
            unit="bytes"
            syncKey={`app-${appId}`}
            marks={marks}
            onZoom={(fromMs, toMs) => checkCustom(fromMs, toMs) === null && changeRange({ kind: 'custom', fromMs, toMs })}
          />
        </section>
      )}
      <ReleaseCompare apiKey={apiKey} appId={appId} deploys={deploys} />
      <div className="card scroll">
        <table data-table="instances">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c} scope="col" aria-sort={sort.by === c ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="link" onClick={() => setSort({ by: c, descending: sort.by === c ? !sort.descending : c !== 'instance' && c !== 'version' && c !== 'worker' })}>
                    {LABELS[c]}{sort.by === c ? (sort.descending ? ' ↓' : ' ↑') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map(({ instance: i, figures: f }) => (
              <tr key={i.id} data-instance-row={i.agentInstanceId}>
                <td><a href={`/instances/${i.id}`}>{i.host}:{i.pid}</a>{f && f.openAlerts > 0 && <span className="badge firing">{f.openAlerts} open</span>}</td>
                <td>{formatBytes(f?.rssBytes)}</td>
                <td>{f?.growthBytesPerHour ? `${formatBytes(f.growthBytesPerHour)}/h` : '–'}</td>
                <td>{pct(f?.fragmentation)}</td>
                <td>{pct(f?.gcPauseFraction)}</td>
                <td>{f?.openFds ?? '–'}</td>
                <td>{f?.threads ?? '–'}</td>
                <td>{i.appVersion ?? '–'}</td>
                <td>{i.worker ?? '–'}</td>
                <td className={i.live ? 'live' : 'stale'}>{i.live ? 'live' : formatAgo(i.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
