'use client';
// The overview's "firing now" card: the project's firing alerts, live over socket.io.
import { FIRING_NOW } from '../lib/alert-feed';
import { formatAgo } from '../lib/format';
import { useAlertFeed } from '../lib/use-alert-feed';


export function FiringNow({ apiKey }: { apiKey: string }) {
  const feed = useAlertFeed(apiKey, FIRING_NOW);
  return (
    <section className="card" aria-labelledby="firing-now" data-firing-now={feed.alerts?.length ?? ''}>
      <h2 id="firing-now">
        Firing now <a className="small" href="/alerts?state=firing">all alerts →</a>
      </h2>
      {feed.error ? (
        <p className="error" role="alert">Could not load alerts: {feed.error}</p>
      ) : feed.alerts === null ? (
        <p className="muted">Loading…</p>
      ) : feed.alerts.length === 0 ? (
        <p className="muted">Nothing is firing. Leaks, limits, fragmentation, resource leaks and GC trouble show up here the moment they are found.</p>
      ) : (
        <ul className="firing">
          {feed.alerts.slice(0, 10).map((a) => (
            <li key={a.id} data-alert={a.id}>
              <span className={`badge ${a.severity === 'critical' ? 'firing' : 'pending'}`}>{a.kind}</span>
              <a href={a.link}>{a.appName}</a> {a.summary} <span className="muted">· {formatAgo(a.firedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
