'use client';
// The first page: every app of the project and its instances.
import { useEffect, useState } from 'react';
import type { AppSummary, InstanceSummary } from '@memsight/contracts';
import { api } from '../lib/api';
import { formatAgo, formatBytes } from '../lib/format';
import { FiringNow } from './FiringNow';

interface AppWithInstances {
  app: AppSummary;
  instances: InstanceSummary[];
}

export function AppsView({ apiKey }: { apiKey: string }) {
  const [apps, setApps] = useState<AppWithInstances[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const { apps } = await api.apps(apiKey);
        const withInstances = await Promise.all(
          apps.map(async (app) => ({ app, instances: (await api.instances(apiKey, app.id)).instances })),
        );
        if (!cancelled) {
          setApps(withInstances);
          setError(null);
        }
      } catch (err) {
        if (!cancelled) setError((err as Error).message);
      }
    };
    void load();
    const timer = setInterval(load, 10_000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [apiKey]);

  if (error) return <p className="error" role="alert">{error}</p>;
  if (!apps) return <p className="muted">Loading apps…</p>;
  if (apps.length === 0) {
    return (
      <div className="card">
        <h2>No apps yet</h2>
        <p className="muted">Attach an agent with the snippet <code>npm start</code> printed; its app appears here within seconds.</p>
      </div>
    );
  }
  return (
    <>
      <h1>Apps</h1>
      <FiringNow apiKey={apiKey} />
      {apps.map(({ app, instances }) => (
        <section className="card" key={app.id} data-app={app.name}>
          <h2>
            <a href={`/apps/${app.id}`} data-app-link={app.name}>{app.name}</a>{' '}
            <span className="muted" style={{ fontSize: '0.9rem', fontWeight: 400 }}>
              {app.liveInstanceCount} live of {app.instanceCount} · last seen {formatAgo(app.lastSeenAt)}
            </span>
          </h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Runtime</th>
                <th scope="col">Version</th>
                <th scope="col">Memory limit</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {instances.map((i) => (
                <tr key={i.id}>
                  <td>
                    <a href={`/instances/${i.id}`} data-instance={i.agentInstanceId}>
                      {i.host}:{i.pid}
                    </a>
                    {i.worker && <span className="muted"> {i.worker}</span>}
                  </td>
                  <td>
                    {i.runtime} {i.runtimeVersion}
                  </td>
                  <td>{i.appVersion ?? '–'}</td>
                  <td>{formatBytes(i.memoryLimitBytes)}</td>
                  <td className={i.live ? 'live' : 'stale'}>{i.live ? 'live' : formatAgo(i.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
