'use client';
// Pages show only to a signed-in person: the session cookie then reaches the
// API through this origin. Signed out, it asks for email and password.
// Switching project remounts the page's views so that they fetch again.
import { Fragment, useContext, useEffect, useState, type ReactNode } from 'react';
import { InitialSession, type SessionUser } from '../lib/initial-session';
import { setProjectHeader } from '../lib/project';
import { ProjectSwitcher } from './ProjectSwitcher';

async function currentUser(): Promise<SessionUser | null> {
  const res = await fetch('/api/auth/get-session', { cache: 'no-store' });
  if (!res.ok) return null;
  const body = (await res.json().catch(() => null)) as { user?: SessionUser } | null;
  return body?.user ?? null;
}

export function SessionGate({ children }: { children: (credential: string) => ReactNode }) {
  // The server read the session cookie when it rendered this page: only when it could not does the browser ask.
  const initial = useContext(InitialSession);
  const [user, setUser] = useState<SessionUser | null | undefined>(initial);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [projectSwitches, setProjectSwitches] = useState(0);
  useEffect(() => {
    if (initial === undefined) void currentUser().then(setUser, () => setUser(null));
  }, [initial]);

  const signIn = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const res = await fetch('/api/auth/sign-in/email', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: email.trim(), password }) });
    setBusy(false);
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { message?: string } | null;
      setError(res.status === 401 ? 'That email and password do not match. The first admin is printed by npm start.' : (body?.message ?? `Sign-in failed (HTTP ${res.status}).`));
      return;
    }
    setUser(await currentUser());
  };
  const signOut = async () => {
    await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    // The next person to sign in on this browser starts on their own first project.
    setProjectHeader(null);
    setUser(null);
  };

  if (user === undefined) return <p className="muted" aria-live="polite">Loading…</p>;
  if (user) {
    return (
      <>
        <p className="session muted">
          Signed in as <span data-signed-in>{user.email}</span> · <ProjectSwitcher onSwitch={() => setProjectSwitches((n) => n + 1)} />{' '}
          <button type="button" className="link" onClick={() => void signOut()}>Sign out</button>
        </p>
        {/* The session cookie is the credential: API calls carry no key. */}
        <Fragment key={projectSwitches}>{children('')}</Fragment>
      </>
    );
  }
  return (
    <form className="card signin" onSubmit={signIn} aria-label="Sign in">
      <h1>Sign in to memsight</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="field">
        <label htmlFor="signin-email">Email</label>
        <input id="signin-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="signin-password">Password</label>
        <input id="signin-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </div>
      <p><button type="submit" disabled={busy}>Sign in</button></p>
      <p className="muted">The first admin&apos;s email and password are printed by <code>npm start</code> (or set with MEMSIGHT_ADMIN_EMAIL and MEMSIGHT_ADMIN_PASSWORD).</p>
    </form>
  );
}
