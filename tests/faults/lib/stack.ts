// What every fault test needs around its fault: ingest processes started as
// production starts them, a tenant, a probe tenant whose latency is measured,
// ingest's peak RSS, and the count of what was stored.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createTenant, type Tenant } from '@memsight/db/testing';
import { seedBatch } from '@memsight/ingest/testing';
import { freePort } from '../../../scripts/lib/free-port';
import { Proc, service, waitForHttp } from '../../../scripts/lib/proc';
import type { FleetTotals } from './fleet';

/** The outage length (s): 60 by default, MEMSIGHT_FAULT_OUTAGE_SECONDS to shorten it (CI uses 20 to fit in 10 minutes). */
export const OUTAGE_SECONDS = Number(process.env.MEMSIGHT_FAULT_OUTAGE_SECONDS ?? 60);

export async function startIngest(databaseUrl: string, env: Record<string, string> = {}): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const proc = service('ingest', {
    DATABASE_URL: databaseUrl, INGEST_PORT: String(port), LOG_LEVEL: 'warn', INGEST_ROLLUP_INTERVAL_SECONDS: '0', INGEST_SOCKET_ADAPTER: 'local', ...env,
  }).start();
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`, 60_000).catch((err) => {
    throw new Error(`${err}\n${proc.tail()}`);
  });
  return { proc, url };
}

/** Peak resident memory of a process, sampled every 250 ms. */
export class RssWatch {
  peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 250);
    this.sample();
  }

  private sample(): void {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1];
      this.peakBytes = Math.max(this.peakBytes, Number(kb ?? 0) * 1024);
    } catch {
      // the process is gone
    }
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peakBytes;
  }
}

/** Another tenant sending one small batch every `everyMs`: its latencies are what a fault must not spoil. */
export class Probe {
  readonly latencies: number[] = [];
  readonly statuses = new Map<number, number>();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly id = `probe-${Math.random().toString(36).slice(2, 10)}`;

  constructor(private readonly url: string, private readonly apiKey: string, private readonly everyMs = 200) {}

  start(): this {
    const tick = async () => {
      const batch = seedBatch({ id: this.id, app: 'probe', metrics: ['process.memory.rss'], samples: [[Date.now(), 1e8]], seq: ++this.seq });
      const started = performance.now();
      try {
        const res = await fetch(`${this.url}/v1/ingest`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
          body: JSON.stringify(batch), signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) this.latencies.push(performance.now() - started);
      } catch {
        this.statuses.set(0, (this.statuses.get(0) ?? 0) + 1);
      }
      if (this.timer) this.timer = setTimeout(tick, this.everyMs);
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  p(q: number): number {
    return percentile(this.latencies, q);
  }
}

export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export interface Stored {
  samples: number;
  /** Rows beyond one per (instance, ts): impossible by the primary key, counted anyway. */
  duplicated: number;
  batches: number;
  /** The largest memsight.agent.dropped_samples stored, summed over instances: the drops the agents reported. */
  reportedDropped: number;
}

export async function storedFor(databaseUrl: string, projectId: string, app = 'fault-fleet'): Promise<Stored> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ samples: string; distinct_rows: string; batches: string; dropped: string | null }>(
      `WITH mine AS (SELECT i.id FROM instances i JOIN apps a ON a.id = i.app_id WHERE i.project_id = $1 AND a.name = $2),
            s AS (SELECT s.instance_id, s.ts, s.values[array_position(m.names, 'memsight.agent.dropped_samples')] AS dropped
                    FROM samples s JOIN metric_sets m ON m.id = s.metric_set_id WHERE s.instance_id IN (SELECT id FROM mine))
       SELECT (SELECT count(*) FROM s) AS samples,
              (SELECT count(*) FROM (SELECT DISTINCT instance_id, ts FROM s) d) AS distinct_rows,
              (SELECT count(*) FROM ingest_batches WHERE instance_id IN (SELECT id FROM mine)) AS batches,
              (SELECT sum(d) FROM (SELECT max(dropped) AS d FROM s GROUP BY instance_id) x) AS dropped`,
      [projectId, app],
    );
    const r = rows[0]!;
    return { samples: Number(r.samples), duplicated: Number(r.samples) - Number(r.distinct_rows), batches: Number(r.batches), reportedDropped: Number(r.dropped ?? 0) };
  } finally {
    await client.end();
  }
}

/** One line of figures per fault, for the CI log and the issue. */
export function report(fault: string, figures: Record<string, number | string>): void {
  const line = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : v}`).join(' ');
  console.log(`# fault ${fault}: ${line}`);
}

export function lost(totals: FleetTotals, stored: Stored): number {
  return totals.built - totals.droppedAtCap - stored.samples;
}

export { createTenant, type Tenant, type Proc };
export const MB = 1024 * 1024;
