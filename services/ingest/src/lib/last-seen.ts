// Instances' last_seen_at, written in the background: ingest records the newest
// sample time per instance in memory and flushes them all in one statement a
// few times a minute, instead of one UPDATE per committed batch.
import type pg from 'pg';

export class LastSeenTracker {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(this.onError), this.intervalMs);
    this.timer.unref();
  }

  saw(instanceId: string, tsMs: number): void {
    if (tsMs > (this.pending.get(instanceId) ?? 0)) this.pending.set(instanceId, tsMs);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()].sort();
    await this.pool.query(
      `UPDATE instances SET last_seen_at = greatest(last_seen_at, to_timestamp(v.t / 1000.0))
         FROM unnest($1::bigint[], $2::float8[]) AS v(id, t) WHERE instances.id = v.id`,
      [ids, ids.map((id) => batch.get(id)!)],
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
