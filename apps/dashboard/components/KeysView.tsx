'use client';
// Settings → API keys: create a key with a scope (its secret is shown once),
// list keys by prefix, revoke them; and the snippets that attach an agent.
import { useEffect, useState } from 'react';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope } from '@memsight/contracts';
import { api, ApiError } from '../lib/api';
import { formatAgo } from '../lib/format';
import { problemsByField } from '../lib/rule-form';

const SCOPE_TEXT: Record<ApiKeyScope, string> = {
  ingest: 'agent: only sends samples',
  read: 'read: the query API and the live feed',
  admin: 'admin: everything, keys included',
};

export function KeysView({ apiKey }: { apiKey: string }) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyScope>('ingest');
  const [created, setCreated] = useState<{ key: ApiKey; secret: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const load = () => api.keys(apiKey).then((r) => setKeys(r.keys), (err: Error) => setErrors({ form: err.message }));
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [apiKey]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    try {
      setCreated(await api.createKey(apiKey, { name: name.trim(), scope }));
      setName('');
      void load();
    } catch (err) {
      setErrors(problemsByField(err instanceof ApiError ? err.problems : [], (err as Error).message));
    }
  };
  const revoke = async (k: ApiKey) => {
    if (!window.confirm(`Revoke ${k.name} (${k.prefix}…)? Whatever uses it is refused from now on.`)) return;
    try {
      await api.revokeKey(apiKey, k.id);
      void load();
    } catch (err) {
      setErrors({ form: (err as Error).message });
    }
  };

  const agentKey = created?.key.scope === 'ingest' ? created.secret : '<an agent key>';
  const endpoint = '<the Ingest URL npm start printed>';
  return (
    <>
      <h1>API keys</h1>
      {errors.form && <p className="error" role="alert">{errors.form}</p>}
      <form className="card" onSubmit={submit} aria-label="New API key" noValidate>
        <h2>New key</h2>
        <div className="fields">
          <div className="field">
            <label htmlFor="key-name">Name</label>
            <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} aria-describedby={errors.name ? 'key-name-error' : undefined} placeholder="checkout-service" />
            {errors.name && <small id="key-name-error" className="error" data-field-error="name">{errors.name}</small>}
          </div>
          <div className="field">
            <label htmlFor="key-scope">Scope</label>
            <select id="key-scope" value={scope} onChange={(e) => setScope(e.target.value as ApiKeyScope)}>
              {API_KEY_SCOPES.map((s) => <option key={s} value={s}>{SCOPE_TEXT[s]}</option>)}
            </select>
          </div>
        </div>
        <p><button type="submit">Create key</button></p>
        {created && (
          <div className="reveal" role="status">
            <p><strong>{created.key.name}</strong>: copy it now, it is not shown again.</p>
            <code data-secret>{created.secret}</code>
          </div>
        )}
      </form>
      <div className="card scroll">
        {keys === null ? (
          <p className="muted" aria-live="polite">Loading keys…</p>
        ) : (
          <table>
            <thead><tr><th scope="col">key</th><th scope="col">scope</th><th scope="col">created</th><th scope="col">last used</th><th scope="col"><span className="sr-only">actions</span></th></tr></thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-key={k.prefix}>
                  <td><strong>{k.name}</strong> <code>{k.prefix}…</code>{k.revokedAt && <span className="badge">revoked</span>}</td>
                  <td>{SCOPE_TEXT[k.scope]}</td>
                  <td>{formatAgo(k.createdAt)}</td>
                  <td>{formatAgo(k.lastUsedAt)}</td>
                  <td>{!k.revokedAt && <button type="button" className="secondary" onClick={() => void revoke(k)}>Revoke</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <section className="card" aria-labelledby="snippets">
        <h2 id="snippets">Attach an agent</h2>
        <p className="muted">Give services an agent key: it can send samples and nothing else.</p>
        <h3>Python (standard library only)</h3>
        <pre className="snippet" tabIndex={0}>{`MEMSIGHT_ENDPOINT=${endpoint} MEMSIGHT_API_KEY=${agentKey} MEMSIGHT_APP=my-service \\\n  python -m memsight run -- python app.py`}</pre>
        <h3>Node.js (no dependencies)</h3>
        <pre className="snippet" tabIndex={0}>{`MEMSIGHT_ENDPOINT=${endpoint} MEMSIGHT_API_KEY=${agentKey} MEMSIGHT_APP=my-service \\\n  node --import @memsight/agent/register app.js`}</pre>
      </section>
    </>
  );
}
