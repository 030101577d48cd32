'use client';
// The first page: which app leaks and which instance will run out first.
// Every app with its instance count, its memory over the last hour, and the
// worst growth and fragmentation among its instances; the alerts firing now;
// and the leak suspects, soonest to their limit first.
import { useEffect, useState } from 'react';
import type { Overview } from '@memsight/contracts';
import { api } from '../lib/api';
import { formatValue } from '../lib/chart-data';
import { formatAgo, formatBytes } from '../lib/format';
import { FiringNow } from './FiringNow';
import { Sparkline } from './Sparkline';

const REFRESH_MS = 10_000;

function duration(seconds: number): string {
  if (seconds <= 0) return 'now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

export function AppsView({ apiKey }: { apiKey: string }) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const o = await api.overview(apiKey);
        if (!cancelled) {
          setOverview(o);
          setError(null);
        }
      } catch (err) {
        if (!cancelled) setError((err as Error).message);
      }
    };
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [apiKey]);

  if (error) return <p className="error" role="alert">Could not load the overview: {error}</p>;
  if (!overview) return <p className="muted" aria-live="polite">Loading apps…</p>;
  if (overview.apps.length === 0) {
    return (
      <div className="card">
        <h1>No apps yet</h1>
        <p>Attach an agent and its app appears here within seconds:</p>
        <pre className="snippet" tabIndex={0}>{'MEMSIGHT_ENDPOINT=… MEMSIGHT_API_KEY=… python -m memsight run -- python app.py\nMEMSIGHT_ENDPOINT=… MEMSIGHT_API_KEY=… node --import @memsight/agent/register app.js'}</pre>
        <p className="muted">
          The endpoint and an agent key are in what <code>npm start</code> printed, or create a key on <a href="/settings/keys">Keys</a>, which shows both snippets filled in.
        </p>
      </div>
    );
  }
  const { apps, suspects } = overview;
  return (
    <>
      <h1>Apps</h1>
      <FiringNow apiKey={apiKey} />
      <section className="card" aria-labelledby="suspects-title" data-suspects={suspects.length}>
        <h2 id="suspects-title">Leak suspects</h2>
        {suspects.length === 0 ? (
          <p className="muted">No instance has an open leak or memory-limit alert.</p>
        ) : (
          <div className="scroll">
            <table data-table="suspects">
              <thead>
                <tr><th scope="col">Instance</th><th scope="col">App</th><th scope="col" className="num">Growth</th><th scope="col" className="num">Limit in</th><th scope="col" className="num">RSS</th><th scope="col">Since</th></tr>
              </thead>
              <tbody>
                {suspects.map((s) => (
                  <tr key={s.instanceId} data-suspect={s.instanceId}>
                    <td>
                      <a href={`/instances/${s.instanceId}`}>{s.host}:{s.pid}</a>
                      {s.worker && <span className="muted"> {s.worker}</span>} <span className={`badge ${s.state}`}>{s.state}</span>
                    </td>
                    <td><a href={`/apps/${s.appId}`}>{s.appName}</a></td>
                    <td className="num">{s.growthBytesPerHour === null ? '–' : `${formatBytes(s.growthBytesPerHour)}/h`}</td>
                    <td className="num" title={s.limitName ?? undefined}>{s.secondsToLimit === null ? '–' : `${duration(s.secondsToLimit)} (${formatBytes(s.limitBytes)})`}</td>
                    <td className="num">{formatBytes(s.rssBytes)}</td>
                    <td>{formatAgo(s.growthStartedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card scroll" aria-labelledby="apps-title">
        <h2 id="apps-title" className="sr-only">Every app</h2>
        <table data-table="apps">
          <thead>
            <tr>
              <th scope="col">App</th><th scope="col" className="num">Instances</th><th scope="col">Memory, last hour</th>
              <th scope="col" className="num">Worst growth</th><th scope="col" className="num">Worst fragmentation</th><th scope="col" className="num">Open alerts</th><th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {apps.map((app) => (
              <tr key={app.id} data-app={app.name}>
                <td><a href={`/apps/${app.id}`} data-app-link={app.name}>{app.name}</a></td>
                <td className="num">{app.liveInstanceCount} live of {app.instanceCount}</td>
                <td><Sparkline t={app.rss.t} v={app.rss.v} label={`${app.name} memory`} /></td>
                <td className="num">
                  {app.worstGrowth ? <a href={`/instances/${app.worstGrowth.instanceId}`}>{formatBytes(app.worstGrowth.bytesPerHour)}/h</a> : '–'}
                </td>
                <td className="num">
                  {app.worstFragmentation ? <a href={`/instances/${app.worstFragmentation.instanceId}`}>{formatValue('ratio', app.worstFragmentation.ratio)}</a> : '–'}
                </td>
                <td className="num">{app.openAlerts > 0 ? <span className="badge firing">{app.openAlerts}</span> : 0}</td>
                <td className={app.liveInstanceCount > 0 ? 'live' : 'stale'}>{app.liveInstanceCount > 0 ? 'live' : formatAgo(app.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
