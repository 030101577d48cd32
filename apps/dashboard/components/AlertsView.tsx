'use client';
// The alerts page: every alert of the project under the filters (kept in the
// URL), live over socket.io with no reload, with acknowledge, a one-hour
// silence of the instance's alerts of that kind, and each alert's evidence.
import { Fragment, useEffect, useState } from 'react';
import { ALERT_KINDS, ALERT_STATES, type AlertSummary, type AppSummary } from '@memsight/contracts';
import { api } from '../lib/api';
import { filtersFromQuery, filtersToQuery, NO_FILTERS, type AlertFilters } from '../lib/alert-feed';
import { formatAgo } from '../lib/format';
import { useAlertFeed } from '../lib/use-alert-feed';
import { AlertDetailPanel } from './AlertDetailPanel';
import { AlertFiltersBar } from './AlertFiltersBar';

const SILENCE_MS = 3_600_000;

function Actions({ apiKey, alert, onDone, onError }: { apiKey: string; alert: AlertSummary; onDone: (a: AlertSummary) => void; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false);
  const run = (what: () => Promise<AlertSummary>) => {
    setBusy(true);
    what().then(onDone, (err: Error) => onError(err.message)).finally(() => setBusy(false));
  };
  if (alert.state === 'resolved') return null;
  return (
    <>
      {alert.acknowledged ? (
        <button type="button" className="secondary" disabled={busy} onClick={() => run(() => api.unacknowledge(apiKey, alert.id))}>Unacknowledge</button>
      ) : (
        <button type="button" disabled={busy} onClick={() => run(() => api.acknowledge(apiKey, alert.id))}>Acknowledge</button>
      )}{' '}
      {!alert.silenced && (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() =>
            run(async () => {
              const endsAt = new Date(Date.now() + SILENCE_MS).toISOString();
              await api.silence(apiKey, { matchers: { instanceId: alert.instanceId, kind: alert.kind }, endsAt, comment: `Silenced from the alerts page: ${alert.summary}`.slice(0, 1000) });
              return api.alert(apiKey, alert.id);
            })
          }
        >
          Silence 1 h
        </button>
      )}
    </>
  );
}

export function AlertsView({ apiKey }: { apiKey: string }) {
  const [filters, setFilters] = useState<AlertFilters | null>(null);
  const [apps, setApps] = useState<AppSummary[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  useEffect(() => setFilters(filtersFromQuery(new URLSearchParams(window.location.search), ALERT_STATES, ALERT_KINDS)), []);
  useEffect(() => void api.apps(apiKey).then((r) => setApps(r.apps), () => {}), [apiKey]);
  const feed = useAlertFeed(apiKey, filters ?? NO_FILTERS);

  const change = (f: AlertFilters) => {
    const q = filtersToQuery(f).toString();
    history.replaceState(null, '', q ? `?${q}` : window.location.pathname);
    setFilters(f);
  };

  return (
    <>
      <h1>
        Alerts <span className={feed.live === 'live' ? 'live small' : 'muted small'} data-live-status={feed.live}>{feed.live}</span>
      </h1>
      {filters && <AlertFiltersBar filters={filters} apps={apps} onChange={change} />}
      {actionError && <p className="error" role="alert">{actionError}</p>}
      {feed.error ? (
        <p className="error" role="alert">Could not load alerts: {feed.error} <button type="button" onClick={feed.reload}>Retry</button></p>
      ) : feed.alerts === null ? (
        <p className="muted" aria-live="polite">Loading alerts…</p>
      ) : feed.alerts.length === 0 ? (
        <div className="card">
          <p>No alerts{filters && filtersToQuery(filters).toString() ? ' match these filters' : ' yet'}.</p>
          <p className="muted">Alerts appear here the moment a rule&apos;s condition holds: leaks, time to the memory limit, fragmentation, resource leaks, GC trouble and your own thresholds.</p>
        </div>
      ) : (
        <div className="card scroll">
          <table className="alerts">
            <thead>
              <tr><th scope="col">state</th><th scope="col">alert</th><th scope="col">app</th><th scope="col">started</th><th scope="col"><span className="sr-only">actions</span></th></tr>
            </thead>
            <tbody>
              {feed.alerts.map((a) => (
                <Fragment key={a.id}>
                  <tr data-alert={a.id} data-state={a.state} data-kind={a.kind}>
                    <td>
                      <span className={`badge ${a.state}`}>{a.state}</span>
                      {a.acknowledged && <span className="badge ack">acknowledged</span>}
                      {a.silenced && <span className="badge silenced">silenced</span>}
                    </td>
                    <td>
                      <strong>{a.ruleName}</strong> <span className="muted">{a.kind} · {a.severity}</span>
                      <br />
                      {a.summary}
                    </td>
                    <td><a href={a.link}>{a.appName}</a></td>
                    <td title={a.startedAt}>{formatAgo(a.startedAt)}</td>
                    <td className="actions">
                      <Actions apiKey={apiKey} alert={a} onDone={feed.replace} onError={setActionError} />{' '}
                      <button type="button" className="secondary" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
                        {open === a.id ? 'Hide' : 'Evidence'}
                      </button>
                    </td>
                  </tr>
                  {open === a.id && (
                    <tr><td colSpan={5}><AlertDetailPanel apiKey={apiKey} id={a.id} /></td></tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
