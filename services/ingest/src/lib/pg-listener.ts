// One database session per ingest process that LISTENs for what other
// processes announce (alert transitions, revoked keys), reconnecting after a
// loss. PostgreSQL does not queue notifications for a session that is gone, so
// after every reconnect the subscribers are told to resynchronise.
import pg from 'pg';

export interface PgListenerOptions {
  connectionString: string;
  applicationName: string;
  retryMs: number;
  onError: (err: unknown, what: string) => void;
}

export class PgListener {
  private readonly handlers = new Map<string, ((payload: string) => void)[]>();
  private readonly reconnected: (() => void)[] = [];
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closing = false;
  private started = false;

  constructor(private readonly o: PgListenerOptions) {}

  /** Adds a handler for a channel; call before start(). Channel names are our own constants, never input. */
  on(channel: string, handler: (payload: string) => void): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  /** Runs after every session that follows a failed or lost one: what was announced meanwhile was missed. */
  onReconnect(fn: () => void): void {
    this.reconnected.push(fn);
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    if (this.closing) return;
    const resync = this.started;
    this.started = true;
    const c = new pg.Client({ connectionString: this.o.connectionString, application_name: this.o.applicationName });
    const lost = (err?: Error) => {
      if (this.client !== c) return;
      this.client = undefined;
      c.end().catch(() => {});
      if (this.closing) return;
      this.o.onError(err, 'the listening session was lost; reconnecting');
      this.retry = setTimeout(() => void this.start(), this.o.retryMs);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => {
      for (const handler of this.handlers.get(n.channel) ?? []) {
        try {
          handler(n.payload ?? '');
        } catch (err) {
          this.o.onError(err, `a ${n.channel} notification failed`);
        }
      }
    });
    this.client = c;
    try {
      await c.connect();
      for (const channel of this.handlers.keys()) await c.query(`LISTEN ${channel}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (resync) for (const fn of this.reconnected) fn();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }
}
