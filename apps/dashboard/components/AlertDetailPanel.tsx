'use client';
// One alert's evidence and history: the next step, the figures the detector
// found, where the memory is allocated, and every transition.
import { useEffect, useState } from 'react';
import { describeMetric, type AlertDetail } from '@memsight/contracts';
import { api } from '../lib/api';
import { formatBytes } from '../lib/format';

function Figures({ e }: { e: AlertDetail['evidence'] }) {
  const items: [string, string][] = [];
  if (e.where) items.push(['where', e.where]);
  if (e.metric) items.push(['metric', e.metric]);
  if (e.rateBytesPerHour !== undefined) items.push(['rate', `${formatBytes(e.rateBytesPerHour)}/h`]);
  if (e.ratePerHour !== undefined) items.push(['rate', `${e.ratePerHour.toFixed(1)}/h`]);
  if (e.confidence !== undefined) items.push(['confidence', `${(100 * e.confidence).toFixed(1)} %`]);
  if (e.growthStartedAt) items.push(['growing since', new Date(e.growthStartedAt).toLocaleString()]);
  const bytes = e.rateBytesPerHour !== undefined || (e.metric !== undefined && describeMetric(e.metric)?.unit === 'By');
  if (e.level !== undefined) items.push(['level', bytes ? formatBytes(e.level) : String(e.level)]);
  if (e.forecast) items.push([`reaches ${e.forecast.limitName}`, `${new Date(e.forecast.at).toLocaleString()} (${formatBytes(e.forecast.limitBytes)})`]);
  if (items.length === 0) return null;
  return (
    <div className="kv">
      {items.map(([k, v]) => (
        <span key={k}><b>{k}</b>{v}</span>
      ))}
    </div>
  );
}

export function AlertDetailPanel({ apiKey, id }: { apiKey: string; id: string }) {
  const [detail, setDetail] = useState<AlertDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.alert(apiKey, id).then((d) => !cancelled && setDetail(d), (err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
    };
  }, [apiKey, id]);
  if (error) return <p className="error" role="alert">Could not load this alert: {error}</p>;
  if (!detail) return <p className="muted" aria-live="polite">Loading evidence…</p>;
  const e = detail.evidence;
  return (
    <div className="detail" data-alert-detail={id}>
      <p><strong>Next step:</strong> {e.nextStep}</p>
      <Figures e={e} />
      {e.sites && e.sites.length > 0 && (
        <>
          <h3>Growing allocation sites</h3>
          <table>
            <thead><tr><th scope="col">site</th><th scope="col">size</th><th scope="col">growth</th></tr></thead>
            <tbody>
              {e.sites.map((s) => (
                <tr key={s.site}>
                  <td>
                    <code>{s.site}</code>
                    {s.traceback && s.traceback.length > 1 && <pre className="traceback" tabIndex={0}>{s.traceback.join('\n')}</pre>}
                  </td>
                  <td>{formatBytes(s.sizeBytes)}</td>
                  <td>{s.growthBytes === undefined ? '–' : formatBytes(s.growthBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {e.types && e.types.length > 0 && (
        <>
          <h3>Object types</h3>
          <table>
            <thead><tr><th scope="col">type</th><th scope="col">count</th><th scope="col">growth</th></tr></thead>
            <tbody>
              {e.types.map((t) => (
                <tr key={t.type}><td><code>{t.type}</code></td><td>{t.count}</td><td>{t.growth ?? '–'}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>History</h3>
      <ol className="history">
        {detail.transitions.map((t) => (
          <li key={t.id}>
            {new Date(t.at).toLocaleString()}: {t.from ?? 'new'} → <strong>{t.to}</strong>{t.reason ? `, ${t.reason}` : ''}
          </li>
        ))}
      </ol>
    </div>
  );
}
