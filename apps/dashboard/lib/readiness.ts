// The dashboard's probes. Live: the process answers. Ready: it can also sign
// people in, which needs its PostgreSQL (Better Auth's sessions); ingest is
// not checked, because a dashboard taken out of rotation while ingest is down
// could not even say that ingest is down. A hung server fails the probe within
// the deadline, and probes that arrive meanwhile share one check, so they do
// not pile up connections (as ingest's /readyz).
import type pg from 'pg';

export const READY_TIMEOUT_MS = 2_000;

export type Readiness = { status: 200; body: { status: 'ok' } } | { status: 503; body: { error: { code: 'database_unavailable'; message: string } } };

export function readinessCheck(pool: () => Pick<pg.Pool, 'query'>, timeoutMs = READY_TIMEOUT_MS): () => Promise<Readiness> {
  let check: Promise<unknown> | undefined;
  const ping = () => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('readiness check timed out')), timeoutMs)));
    return Promise.race([pool().query('SELECT 1'), deadline]).finally(() => clearTimeout(timer));
  };
  return async () => {
    try {
      await (check ??= ping().finally(() => (check = undefined)));
      return { status: 200, body: { status: 'ok' } };
    } catch {
      return { status: 503, body: { error: { code: 'database_unavailable', message: 'The dashboard cannot reach its database, so nobody can sign in.' } } };
    }
  };
}
