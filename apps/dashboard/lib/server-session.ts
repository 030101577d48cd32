// The signed-in person of the request being rendered, read from its session
// cookie on the server. undefined when that cannot be known here (no auth
// configuration, as during `next build`); the browser then asks itself.
import { headers } from 'next/headers';
import { cache } from 'react';
import type { SessionUser } from './initial-session';
import { serverAuth } from './server-auth';

// cache: the layout and the page both ask, and one render should read the session once.
export const serverSessionUser = cache(async (): Promise<SessionUser | null | undefined> => {
  const h = await headers();
  if (!h.get('cookie')) return null;
  try {
    const session = await serverAuth().api.getSession({ headers: h });
    return session ? { email: session.user.email, name: session.user.name } : null;
  } catch {
    return undefined;
  }
});
