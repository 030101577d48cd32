// Tells the alerter which instances have newly committed samples, so threshold
// rules are evaluated within milliseconds instead of at the next 30 s round.
// One NOTIFY per `intervalMs` at most, off the write path: a NOTIFY inside the
// group commit would serialise commits on PostgreSQL's notification queue lock.
import type pg from 'pg';
import { PG_CHANNELS } from '@memsight/contracts';

// NOTIFY payloads must stay under 8000 bytes; beyond this many ids, "*" (everything) is cheaper to say.
const MAX_IDS = 400;

export class CommitNotifier {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  committed(instanceId: string): void {
    this.pending.add(instanceId);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  async flush(): Promise<void> {
    await this.sending;
    if (this.pending.size === 0) return;
    const ids = this.pending;
    this.pending = new Set();
    const payload = ids.size > MAX_IDS ? '*' : [...ids].join(',');
    this.sending = this.pool
      .query('SELECT pg_notify($1, $2)', [PG_CHANNELS.samplesCommitted, payload])
      .then(() => undefined, this.onError)
      .finally(() => (this.sending = undefined));
    await this.sending;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
