// The decode queue's order: weighted fair queueing by tenant, each request
// costing its body's bytes. A tenant's requests finish in its own order; across
// tenants, the one that has been served fewer bytes goes first. In arrival
// order, one project's sixteen 9.5 MB bodies put another project's 300-byte
// batch behind about 150 MB of decoding (bench:isolation: 7 ms → 414 ms);
// here it waits for at most the body in progress.
//
// Virtual time (weighted fair queueing): a request starts where its tenant's
// previous one ended, or at the virtual now if the tenant was idle, and ends
// its cost later; the earliest end goes next, and the virtual now moves to the
// start of what was taken. An idle tenant earns no credit for its idle time.

interface Entry<T> {
  item: T;
  tenant: string;
  start: number;
  end: number;
}

/** Even an empty body costs a decode round trip: no request is free. */
const MIN_COST = 1024;
/** Tenants remembered with nothing queued (their last end still ahead of the virtual now); past it they are forgotten. */
const MAX_IDLE_TENANTS = 10_000;

export class FairQueue<T> {
  private entries: Entry<T>[] = [];
  private readonly lastEnd = new Map<string, number>();
  private readonly queuedByTenant = new Map<string, number>();
  private virtualNow = 0;

  get size(): number {
    return this.entries.length;
  }

  push(tenant: string, cost: number, item: T): void {
    const start = Math.max(this.virtualNow, this.lastEnd.get(tenant) ?? 0);
    const end = start + Math.max(MIN_COST, cost);
    this.lastEnd.set(tenant, end);
    this.queuedByTenant.set(tenant, (this.queuedByTenant.get(tenant) ?? 0) + 1);
    this.entries.push({ item, tenant, start, end });
  }

  /** Takes the next item among those `eligible` accepts (all when omitted); the queue is bounded, so a scan is cheap. */
  shift(eligible?: (item: T) => boolean): T | undefined {
    let best = -1;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (eligible && !eligible(e.item)) continue;
      if (best < 0 || e.end < this.entries[best]!.end) best = i;
    }
    if (best < 0) return undefined;
    const [e] = this.entries.splice(best, 1);
    this.virtualNow = Math.max(this.virtualNow, e!.start);
    this.forget(e!);
    return e!.item;
  }

  /** Drops a queued item (timed out, or the pool is closing); false when it was not queued. */
  remove(item: T): boolean {
    const i = this.entries.findIndex((e) => e.item === item);
    if (i < 0) return false;
    this.forget(this.entries.splice(i, 1)[0]!);
    return true;
  }

  /** Empties the queue, returning what it held. */
  drain(): T[] {
    const items = this.entries.map((e) => e.item);
    this.entries = [];
    this.queuedByTenant.clear();
    this.lastEnd.clear();
    return items;
  }

  private forget(e: Entry<T>): void {
    const left = (this.queuedByTenant.get(e.tenant) ?? 1) - 1;
    if (left > 0) {
      this.queuedByTenant.set(e.tenant, left);
      return;
    }
    this.queuedByTenant.delete(e.tenant);
    // A tenant with nothing queued whose end the virtual now has passed would start from now anyway.
    if ((this.lastEnd.get(e.tenant) ?? 0) <= this.virtualNow) this.lastEnd.delete(e.tenant);
    if (this.lastEnd.size > MAX_IDLE_TENANTS) {
      for (const t of this.lastEnd.keys()) if (!this.queuedByTenant.has(t)) this.lastEnd.delete(t);
    }
  }
}
