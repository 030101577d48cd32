'use client';
// Who is signed in, as the server saw it when it rendered the page: the gate
// starts from it, so a signed-in person's page asks for its data as soon as it
// hydrates, instead of first asking who they are. undefined: the server did
// not know (no configuration at build time), and the gate asks itself.
import { createContext } from 'react';

export interface SessionUser {
  email: string;
  name: string;
}

export const InitialSession = createContext<SessionUser | null | undefined>(undefined);
