// The document's early API calls (lib/early-fetch.ts), for a signed-in
// person only: signed out, the page shows the sign-in form and asks nothing.
import { earlyScript } from '../lib/early-fetch';
import { serverSessionUser } from '../lib/server-session';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The page's query string as the browser's URLSearchParams would read it (the first of repeated names). */
export async function queryOf(searchParams: SearchParams): Promise<URLSearchParams> {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) q.set(name, first);
  }
  return q;
}

export async function EarlyFetch({ chains, now }: { chains: string[][]; now: number }) {
  if (!(await serverSessionUser())) return null;
  // An async module, not a classic script: a classic inline script waits for the
  // stylesheets above it to load before it runs, and the calls waited with it.
  return <script type="module" async dangerouslySetInnerHTML={{ __html: earlyScript(chains, now) }} />;
}
