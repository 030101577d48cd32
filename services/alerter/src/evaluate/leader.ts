// One evaluator acts at a time: the one whose session holds a PostgreSQL
// advisory lock. Others wait as hot standbys, retrying the lock; if the
// leader dies its session ends, PostgreSQL releases the lock, and a standby
// takes over from what is in the database. All of the leader's writes go
// through this same session, so a leader that lost its lock cannot write.
import pg from 'pg';
import type { Logger } from 'pino';

// Arbitrary but fixed, and different from the migration runner's key.
export const EVALUATOR_LOCK_KEY = 72707370;

export interface LeaderEvents {
  onAcquired: (client: pg.Client) => Promise<void> | void;
  onLost: (reason: string) => void;
  /** NOTIFY payloads on channels the leader listens to. */
  onNotification?: (channel: string, payload: string) => void;
}

export class NotLeaderError extends Error {
  constructor() {
    super('this alerter is not the leader');
  }
}

export class LeaderLease {
  private client: pg.Client | undefined;
  private stopped = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  leading = false;

  constructor(
    private readonly o: { connectionString: string; log: Logger; retryMs: number; listen: string[]; lockKey?: number },
    private readonly events: LeaderEvents,
  ) {}

  start(): void {
    void this.attempt();
  }

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` on the leader's session, one user at a time: the evaluator and
   * the outbox both run transactions on it, and two interleaved on one
   * session would become one transaction.
   */
  use<T>(fn: (session: pg.Client) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (!this.client || !this.leading) throw new NotLeaderError();
      return fn(this.client);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.leading) return;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.o.connectionString, application_name: 'memsight-alerter', keepAlive: true });
        client.on('error', (err) => this.lose(`database session failed: ${err.message}`));
        client.on('end', () => this.lose('database session ended'));
        client.on('notification', (n) => this.events.onNotification?.(n.channel, n.payload ?? ''));
        await client.connect();
        if (this.stopped) {
          // stop() ran while this session was connecting.
          client.removeAllListeners('end');
          await client.end();
          return;
        }
        // The lock is freed when PostgreSQL sees this session end. A crashed process closes its socket at once; a
        // leader whose host or network died would hold the lock until TCP gives up (two hours by default), so the
        // server probes this session's peer and drops it after ~25 s of silence. (Ignored on a Unix socket.)
        await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
        this.client = client;
      }
      const { rows } = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.o.lockKey ?? EVALUATOR_LOCK_KEY]);
      if (rows[0]?.locked) {
        for (const channel of this.o.listen) await this.client.query(`LISTEN ${channel}`);
        this.leading = true;
        this.o.log.info('leading: this alerter holds the evaluator lock');
        this.keepAlive = setInterval(() => {
          this.client?.query('SELECT 1').catch((err: Error) => this.lose(`keep-alive failed: ${err.message}`));
        }, 5_000);
        await this.events.onAcquired(this.client);
        return;
      }
      this.o.log.debug('standing by: another alerter holds the evaluator lock');
    } catch (err) {
      this.o.log.warn({ err }, 'could not try the evaluator lock');
      this.dropClient();
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.attempt(), this.o.retryMs);
  }

  private lose(reason: string): void {
    const wasLeading = this.leading;
    this.leading = false;
    clearInterval(this.keepAlive);
    this.dropClient();
    if (wasLeading) {
      this.o.log.warn(`lost the evaluator lock: ${reason}`);
      this.events.onLost(reason);
    }
    this.scheduleRetry();
  }

  private dropClient(): void {
    const client = this.client;
    this.client = undefined;
    client?.removeAllListeners('end');
    client?.end().catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.keepAlive);
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    if (client) {
      client.removeAllListeners('end');
      // Ending the session releases the lock; a standby takes over within its retry interval.
      await client.end().catch(() => {});
    }
  }
}
