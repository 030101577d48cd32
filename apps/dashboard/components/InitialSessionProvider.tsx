'use client';
import type { ReactNode } from 'react';
import { InitialSession, type SessionUser } from '../lib/initial-session';

export function InitialSessionProvider({ user, children }: { user: SessionUser | null | undefined; children: ReactNode }) {
  return <InitialSession.Provider value={user}>{children}</InitialSession.Provider>;
}
