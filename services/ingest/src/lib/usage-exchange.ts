// The ingest rate limit is per project, whichever replica a batch reaches.
// Each replica keeps its own token buckets (no database round trip on the
// ingest path) and, every `intervalMs`, publishes what it admitted per
// project as a running total in `ingest_usage`, then charges its buckets with
// what the other replicas admitted since its last read. The limit then holds
// across replicas within one interval's lag: a project can overshoot by at
// most one interval's worth per replica, never by the replica count.
// Running totals, not deltas, so a missed exchange loses nothing.
import type pg from 'pg';
import type { TokenBuckets } from './token-bucket';

/** Totals of other replicas not heard of for this long are forgotten (their rows are deleted soon after). */
const FORGET_MS = 3_600_000;
/** Rows of a replica that has not written for this long are deleted. */
const STALE_ROWS = '1 hour';
/**
 * A project idle here this long starts its running total again from zero, well before its row may be deleted: a
 * row re-made with the lifetime total would read as that much new load on the other replicas.
 */
const RESTART_AFTER_MS = 30 * 60_000;

export interface UsageExchangeOptions {
  pool: pg.Pool;
  replica: string;
  buckets: TokenBuckets;
  intervalMs: number;
  now: () => number;
  onError: (err: unknown) => void;
}

export class UsageExchange {
  private readonly totals = new Map<string, { n: number; at: number }>();
  private readonly dirty = new Set<string>();
  /** `replica project` → the running total last read, and when. */
  private readonly seen = new Map<string, { total: number; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private passes = 0;
  /**
   * The database's clock at this replica's first exchange: rows made since are new load, older ones history. Kept as
   * the server's text, to the microsecond: as a JS Date (milliseconds) a row made in the same millisecond but before
   * read as made after, and its history was charged as new load (a CI failure).
   */
  private startedAt: string | undefined;

  constructor(private readonly o: UsageExchangeOptions) {}

  /** Counts samples this replica admitted for a project (the buckets' onAdmit). */
  admitted(projectId: string, n: number): void {
    const now = this.o.now();
    const t = this.totals.get(projectId);
    // (The other replicas see the total fall, charge nothing for it, and count on from the new one.)
    this.totals.set(projectId, { n: (t && now - t.at < RESTART_AFTER_MS ? t.n : 0) + n, at: now });
    this.dirty.add(projectId);
  }

  start(): void {
    if (this.o.intervalMs <= 0 || !this.o.buckets.enabled) return;
    const tick = () => {
      this.running = this.exchange()
        .catch(this.o.onError)
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.o.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.o.intervalMs).unref();
  }

  /** Stops the exchanges, waiting for one under way (it uses the pool, which closes next). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One exchange: publish this replica's totals, charge what the others admitted. */
  async exchange(): Promise<void> {
    if (this.dirty.size > 0) {
      const projects = [...this.dirty];
      this.dirty.clear();
      try {
        await this.o.pool.query(
          `INSERT INTO ingest_usage (replica, project_id, admitted, updated_at)
           SELECT $1, p, a, now() FROM unnest($2::uuid[], $3::bigint[]) AS u(p, a)
           ON CONFLICT (replica, project_id) DO UPDATE SET admitted = EXCLUDED.admitted, updated_at = now()`,
          [this.o.replica, projects, projects.map((p) => this.totals.get(p)?.n ?? 0)],
        );
      } catch (err) {
        for (const p of projects) this.dirty.add(p);
        throw err;
      }
    }
    this.startedAt ??= (await this.o.pool.query<{ t: string }>('SELECT now()::text AS t')).rows[0]!.t;
    // Only rows that moved lately: an idle fleet reads nothing. (A row whose change falls outside the window while
    // this replica could not read is charged at its next change: the totals run on.)
    const { rows } = await this.o.pool.query<{ replica: string; projectId: string; admitted: string; fresh: boolean }>(
      `SELECT replica, project_id AS "projectId", admitted, created_at >= $3::timestamptz AS fresh FROM ingest_usage
        WHERE replica <> $1 AND updated_at > now() - make_interval(secs => $2)`,
      [this.o.replica, Math.max(10, (3 * this.o.intervalMs) / 1000), this.startedAt],
    );
    const now = this.o.now();
    for (const r of rows) {
      const key = `${r.replica} ${r.projectId}`;
      const total = Number(r.admitted);
      // A row first seen counts from zero if it was made since this replica started; before that, it is history.
      const before = this.seen.get(key)?.total ?? (r.fresh ? 0 : total);
      if (total > before) this.o.buckets.charge(r.projectId, total - before);
      this.seen.set(key, { total, at: now });
    }
    for (const [key, s] of this.seen) if (now - s.at > FORGET_MS) this.seen.delete(key);
    if (++this.passes % 600 === 1) await this.o.pool.query(`DELETE FROM ingest_usage WHERE updated_at < now() - interval '${STALE_ROWS}'`);
  }
}
