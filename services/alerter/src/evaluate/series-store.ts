// The evaluator's memory: one InstanceSeries per live instance, fed only with
// samples newer than what it already holds. A new (or newly adopted, after a
// failover) instance starts from `historySeconds` back, once; after that each
// round reads a few samples per instance.
import type pg from 'pg';
import { InstanceSeries, metricLayout, type MetricLayout } from '../series/instance-series';
import type { InstanceFacts } from '../detectors/types';
import { listMetricSets } from '../queries/list-metric-sets';
import { readNewSamples } from '../queries/read-new-samples';

export interface SeriesStoreOptions {
  bucketMs: number;
  historyMs: number;
  /** Instances per read statement. */
  chunkSize?: number;
}

// About 25k rows (each a float8[] of every metric of a tick) per statement at
// 10 s samples: a few tens of MB of parsed arrays at a time, whatever the fleet.
const PER_INSTANCE_PER_STATEMENT = 1000;
const FRESH_PER_STATEMENT = 25;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class SeriesStore {
  private readonly series = new Map<string, InstanceSeries>();
  private readonly layouts = new Map<number, MetricLayout>();
  private readonly capacity: number;

  constructor(private readonly opts: SeriesStoreOptions) {
    this.capacity = Math.ceil(opts.historyMs / opts.bucketMs) + 1;
  }

  get size(): number {
    return this.series.size;
  }

  get(instanceId: string): InstanceSeries | undefined {
    return this.series.get(instanceId);
  }

  /** The instance's series, created (empty) if new; its facts refreshed (a process's limit can change). */
  adopt(facts: InstanceFacts): InstanceSeries {
    let s = this.series.get(facts.id);
    if (!s) this.series.set(facts.id, (s = new InstanceSeries(facts, this.opts.bucketMs, this.capacity)));
    else s.facts = facts;
    return s;
  }

  /** Forgets instances that are no longer live. */
  retain(live: ReadonlySet<string>): void {
    for (const id of this.series.keys()) if (!live.has(id)) this.series.delete(id);
  }

  clear(): void {
    this.series.clear();
  }

  /**
   * Reads what arrived for these instances since their cursors and folds it in.
   * Returns the instances that got samples and how many rows were read.
   * Statements stay near ROWS_PER_STATEMENT rows: an instance new to the
   * alerter brings its whole history, so those go a few at a time, and one
   * that still had more comes round again until it is caught up.
   */
  async catchUp(db: pg.Pool | pg.ClientBase, instanceIds: string[], nowMs: number): Promise<{ updated: Set<string>; rows: number }> {
    const updated = new Set<string>();
    let rows = 0;
    const fresh = instanceIds.filter((id) => this.series.get(id)?.latestTs === -Infinity);
    const known = instanceIds.filter((id) => (this.series.get(id)?.latestTs ?? -Infinity) > -Infinity);
    const queue = [...chunks(known, this.opts.chunkSize ?? 1000), ...chunks(fresh, FRESH_PER_STATEMENT)];
    const read = (chunk: string[]) => {
      const cursors = chunk.flatMap((id) => {
        const s = this.series.get(id);
        if (!s) return [];
        const floor = Math.max(s.facts.startedAtMs - 1, nowMs - this.opts.historyMs);
        return [{ instanceId: id, afterMs: Math.max(s.latestTs, floor) }];
      });
      const pending = readNewSamples(db, cursors, PER_INSTANCE_PER_STATEMENT);
      pending.catch(() => {}); // awaited below; this only keeps a failure while folding from going unobserved
      return pending;
    };
    // One read ahead: PostgreSQL scans the next chunk while this process folds the last one in.
    let next = queue.length ? read(queue.shift()!) : undefined;
    while (next) {
      const samples = await next;
      next = queue.length ? read(queue.shift()!) : undefined;
      rows += samples.length;
      await this.loadLayouts(db, samples.map((r) => r.metricSetId));
      const counts = new Map<string, number>();
      for (const r of samples) {
        this.series.get(r.instanceId)?.add(r.ts, this.layouts.get(r.metricSetId)!, r.values);
        updated.add(r.instanceId);
        counts.set(r.instanceId, (counts.get(r.instanceId) ?? 0) + 1);
      }
      const more = [...counts].filter(([, n]) => n >= PER_INSTANCE_PER_STATEMENT).map(([id]) => id);
      queue.unshift(...chunks(more, FRESH_PER_STATEMENT));
      next ??= queue.length ? read(queue.shift()!) : undefined;
    }
    return { updated, rows };
  }

  private async loadLayouts(db: pg.Pool | pg.ClientBase, ids: number[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.layouts.has(id));
    if (missing.length === 0) return;
    for (const [id, names] of await listMetricSets(db, missing)) this.layouts.set(id, metricLayout(names));
  }
}
