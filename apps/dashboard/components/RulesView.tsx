'use client';
// Settings → Alert rules: every rule of the project (the built-in defaults and
// the user's own), with create, edit, enable/disable and delete.
import { useEffect, useState } from 'react';
import type { AlertRule, AppSummary } from '@memsight/contracts';
import { api } from '../lib/api';
import { RuleForm } from './RuleForm';

function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(', ') : 'defaults';
}

export function RulesView({ apiKey }: { apiKey: string }) {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [apps, setApps] = useState<AppSummary[]>([]);
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () => api.rules(apiKey).then((r) => setRules(r.rules), (err: Error) => setError(err.message));
  useEffect(() => {
    void load();
    void api.apps(apiKey).then((r) => setApps(r.apps), () => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [apiKey]);

  const appName = (id: string | null) => (id === null ? 'every app' : (apps.find((a) => a.id === id)?.name ?? id));
  const saved = (r: AlertRule) => {
    setEditing(null);
    setNotice(`Saved “${r.name}”.`);
    void load();
  };
  const remove = async (r: AlertRule) => {
    if (!window.confirm(`Delete the rule “${r.name}”? Its open alerts resolve.`)) return;
    try {
      await api.deleteRule(apiKey, r.id);
      setNotice(`Deleted “${r.name}”.`);
      void load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      <h1>Alert rules</h1>
      <p className="muted">Every project starts with one default rule per detector. Change or disable them, or add your own for an app; thresholds take any catalogue metric.</p>
      {notice && <p className="live" role="status">{notice}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {editing ? (
        <RuleForm apiKey={apiKey} apps={apps} rule={editing === 'new' ? undefined : editing} onSaved={saved} onCancel={() => setEditing(null)} />
      ) : (
        <p><button type="button" onClick={() => { setNotice(null); setEditing('new'); }}>New rule</button></p>
      )}
      {rules === null ? (
        <p className="muted" aria-live="polite">Loading rules…</p>
      ) : (
        <div className="card scroll">
          <table>
            <thead><tr><th scope="col">rule</th><th scope="col">kind</th><th scope="col">scope</th><th scope="col">for</th><th scope="col">settings</th><th scope="col"><span className="sr-only">actions</span></th></tr></thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} data-rule={r.name}>
                  <td><strong>{r.name}</strong>{!r.enabled && <span className="badge">disabled</span>}{r.builtin && <span className="badge">default</span>}<br /><span className="muted">{r.severity}</span></td>
                  <td>{r.kind}</td>
                  <td>{appName(r.appId)}{r.instanceId ? `, instance ${r.instanceId}` : ''}</td>
                  <td>{r.forSeconds} s</td>
                  <td><code>{paramsText(r.params)}</code></td>
                  <td className="actions">
                    <button type="button" className="secondary" onClick={() => { setNotice(null); setEditing(r); }}>Edit</button>{' '}
                    {!r.builtin && <button type="button" className="secondary" onClick={() => void remove(r)}>Delete</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
