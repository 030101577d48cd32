'use client';
// Asks for the project API key once, then hands it to the page.
import { useEffect, useState, type ReactNode } from 'react';
import { currentApiKey, saveApiKey } from '../lib/api';

export function KeyGate({ children }: { children: (apiKey: string) => ReactNode }) {
  const [apiKey, setApiKey] = useState<string | null | undefined>(undefined);
  const [draft, setDraft] = useState('');
  useEffect(() => setApiKey(currentApiKey()), []);
  if (apiKey === undefined) return <p className="muted">Loading…</p>;
  if (apiKey) return <>{children(apiKey)}</>;
  return (
    <div className="card">
      <h2>Connect to your project</h2>
      <p className="muted">Paste the project API key that <code>npm start</code> printed (it starts with msk_).</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          saveApiKey(draft);
          setApiKey(draft.trim());
        }}
      >
        <input aria-label="API key" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="msk_…" />{' '}
        <button type="submit">Connect</button>
      </form>
    </div>
  );
}
