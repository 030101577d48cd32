// One full evaluation round over a large fleet: the alerter's first round
// (which reads every instance's history once) and then steady rounds, each
// after 30 s of new samples arrive for every instance, timed inside the
// alerter (/status) with the PostgreSQL CPU the round cost.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { PG_CHANNELS } from '@memsight/contracts';
import { backendCpu, cpuBetween } from './pg-cpu';
import { insertFleetSamples, type Fleet } from './alerter-data';

export interface RoundFigure {
  kind: 'first' | 'steady';
  ms: number;
  phases: { read: number; evaluate: number; write: number };
  samples: number;
  changes: number;
  pgCpuSeconds: number;
  alerterCpuSeconds: number;
  alerterRssBytes: number;
}

interface Status {
  evaluations: number;
  lastFullRound?: { instances: number; samples: number; changes: number; ms: { read: number; evaluate: number; write: number; total: number } };
}

function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function processRssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'latin1').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) * 1024;
}

async function status(alerterUrl: string): Promise<Status> {
  return (await (await fetch(`${alerterUrl}/status`)).json()) as Status;
}

/** The alerter's own first round, which starts when it takes the lead: CPU counted from `pgBefore`, taken before it started. */
export async function firstRound(alerterUrl: string, database: string, alerterPid: number, pgBefore: Map<string, number>): Promise<RoundFigure> {
  return finish(alerterUrl, database, alerterPid, 'first', { evaluations: 0 }, pgBefore, 0);
}

async function round(pool: pg.Pool, database: string, alerterUrl: string, alerterPid: number, kind: RoundFigure['kind']): Promise<RoundFigure> {
  const before = await status(alerterUrl);
  const pgBefore = backendCpu(database);
  const cpuBefore = processCpuSeconds(alerterPid);
  // A rule change makes the alerter run a full round now.
  await pool.query('SELECT pg_notify($1, $2)', [PG_CHANNELS.rulesChanged, 'bench']);
  return finish(alerterUrl, database, alerterPid, kind, before, pgBefore, cpuBefore);
}

async function finish(
  alerterUrl: string, database: string, alerterPid: number, kind: RoundFigure['kind'], before: Pick<Status, 'evaluations'>, pgBefore: Map<string, number>, cpuBefore: number,
): Promise<RoundFigure> {
  let after = await status(alerterUrl);
  const deadline = Date.now() + 600_000;
  while (after.evaluations <= before.evaluations) {
    if (Date.now() > deadline) throw new Error('the round did not finish within 10 minutes');
    await new Promise((r) => setTimeout(r, 50));
    after = await status(alerterUrl);
  }
  const r = after.lastFullRound!;
  return {
    kind,
    ms: r.ms.total,
    phases: { read: r.ms.read, evaluate: r.ms.evaluate, write: r.ms.write },
    samples: r.samples,
    changes: r.changes,
    pgCpuSeconds: cpuBetween(pgBefore, backendCpu(database)),
    alerterCpuSeconds: processCpuSeconds(alerterPid) - cpuBefore,
    alerterRssBytes: processRssBytes(alerterPid),
  };
}

export async function measureRounds(o: {
  first: RoundFigure;
  pool: pg.Pool;
  database: string;
  alerterUrl: string;
  alerterPid: number;
  fleet: Fleet;
  originMs: number;
  historySamples: number;
  steadyRounds: number;
  log: (m: string) => void;
}): Promise<RoundFigure[]> {
  const figures: RoundFigure[] = [o.first];
  let n = o.historySamples;
  for (let i = 0; i < o.steadyRounds; i++) {
    // 30 s of new data per instance: three samples at 10 s.
    await insertFleetSamples(o.pool, o.fleet, { fromN: n, toN: n + 3, stepMs: 10_000, originMs: o.originMs });
    n += 3;
    const f = await round(o.pool, o.database, o.alerterUrl, o.alerterPid, 'steady');
    o.log(`steady round ${i + 1}: ${(f.ms / 1000).toFixed(2)} s (read ${f.phases.read} ms, evaluate ${f.phases.evaluate} ms, write ${f.phases.write} ms), ${f.samples} samples, ${f.changes} alert changes, PostgreSQL ${f.pgCpuSeconds.toFixed(2)} CPU-s, alerter ${f.alerterCpuSeconds.toFixed(2)} CPU-s`);
    figures.push(f);
  }
  return figures;
}
