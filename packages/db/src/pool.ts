import pg from 'pg';

/** Bounds on every wait on PostgreSQL. Unset fields mean no bound (tools, migrations, tests). */
export interface PoolTimeouts {
  /** Connecting, and waiting for a free pooled connection (pg's connectionTimeoutMillis covers both). */
  connectTimeoutMs?: number;
  /** Server-side statement_timeout; the client also gives up a little later, for a server that hangs. */
  statementTimeoutMs?: number;
}

// A hung server (SIGSTOP, a dead host behind a live route) answers nothing,
// so the server-side statement_timeout never fires: the client-side
// query_timeout a little later is what ends the wait.
const CLIENT_GRACE_MS = 2_000;

// BIGINT ids (instances.id) arrive as strings; keep them that way so nothing
// silently loses precision past 2^53.
export function createPool(connectionString: string, max = 10, timeouts: PoolTimeouts = {}): pg.Pool {
  return new pg.Pool({ connectionString, max, application_name: 'memsight', ...poolTimeoutOptions(timeouts) });
}

/** The pg options for `timeouts`, shared with the Prisma adapter's pool. */
export function poolTimeoutOptions(timeouts: PoolTimeouts): pg.PoolConfig {
  const { connectTimeoutMs, statementTimeoutMs } = timeouts;
  return {
    // Without keepalive a connection to a vanished host looks alive until the kernel's retransmits give up (minutes).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(connectTimeoutMs ? { connectionTimeoutMillis: connectTimeoutMs } : {}),
    ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + CLIENT_GRACE_MS } : {}),
  };
}
