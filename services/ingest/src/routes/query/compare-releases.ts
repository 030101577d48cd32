// "Which release started the leak?": an app's memory over the days before a
// deploy against the days after it (the newest deploy unless one is named),
// from hour rollups. The summary of a window is pure (summarizeWindow), so it
// is tested on synthetic hours.
import type pg from 'pg';
import { baseMetricName, fitLine, type DeployMarker, type ReleaseComparison, type ReleaseWindow } from '@memsight/contracts';
import { NotFoundError } from '../../lib/errors';
import { findScope } from '../../queries/project-scope';
import { releaseHourRows, type HourRow } from '../../queries/release-rollups';

const DAY_MS = 86_400_000;
const HEAP_FLOORS = ['v8js.memory.heap.used_after_gc', 'cpython.pymalloc.used_bytes', 'process.memory.rss'];

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** One instance's figures over a window of its hour rows. */
function instanceFigures(rows: HourRow[]) {
  const of = (base: string) => rows.filter((r) => baseMetricName(r.name) === base);
  const rss = of('process.memory.rss').filter((r) => r.min !== null);
  const fit = fitLine(rss.map((r) => r.t), rss.map((r) => r.min));
  const floorRows = HEAP_FLOORS.map(of).find((rs) => rs.some((r) => r.min !== null)) ?? [];
  const floor = floorRows.reduce<number | null>((lo, r) => (r.min === null ? lo : lo === null ? r.min : Math.min(lo, r.min)), null);
  // The worst allocator per hour, as the app page's fragmentation column reads it.
  const worst = new Map<number, number>();
  const worse = (t: number, v: number | null) => v !== null && Number.isFinite(v) && worst.set(t, Math.max(worst.get(t) ?? -Infinity, v));
  for (const r of [...of('glibc.malloc.fragmentation'), ...of('v8js.memory.heap.fragmentation')]) worse(r.t, r.avg);
  for (const r of of('cpython.pymalloc.utilization')) worse(r.t, r.avg === null ? null : 1 - r.avg);
  const v8 = of('v8js.gc.time_fraction').flatMap((r) => (r.avg === null ? [] : [r.avg]));
  return { growth: fit ? fit.slope * 3600 : null, floor, fragmentation: [...worst.values()], gc: v8.length ? mean(v8) : cpythonPauseFraction(of('cpython.gc.pause.total')) };
}

/** CPython's pause time is a counter of seconds per generation: its rise over the window's elapsed time. */
function cpythonPauseFraction(rows: HourRow[]): number | null {
  const byLabel = new Map<string, HourRow[]>();
  for (const r of rows) if (r.last !== null) byLabel.set(r.name, [...(byLabel.get(r.name) ?? []), r]);
  let paused = 0;
  let span = 0;
  for (const rs of byLabel.values()) {
    const first = rs[0]!;
    const last = rs.at(-1)!;
    paused += Math.max(0, last.last! - first.last!);
    span = Math.max(span, last.t - first.t);
  }
  return span > 0 ? paused / span : null;
}

export function summarizeWindow(rows: HourRow[], fromMs: number, toMs: number): ReleaseWindow {
  const byInstance = new Map<string, HourRow[]>();
  for (const r of rows) if (r.t * 1000 >= fromMs && r.t * 1000 < toMs) byInstance.set(r.instanceId, [...(byInstance.get(r.instanceId) ?? []), r]);
  const figures = [...byInstance.values()].map(instanceFigures);
  const hours = new Set([...byInstance].flatMap(([id, rs]) => rs.map((r) => `${id}:${r.t}`))).size;
  const present = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    instances: byInstance.size,
    hours,
    growthBytesPerHour: median(present(figures.map((f) => f.growth))),
    floorBytes: median(present(figures.map((f) => f.floor))),
    fragmentation: mean(figures.flatMap((f) => f.fragmentation)),
    gcPauseFraction: mean(present(figures.map((f) => f.gc))),
  };
}

async function findDeploy(pool: pg.Pool, appId: string, deployId: string | undefined, nowMs: number): Promise<DeployMarker | undefined> {
  const { rows } = await pool.query<Omit<DeployMarker, 'at'> & { at: Date }>(
    `SELECT id, version, previous_version AS "previousVersion", ts AS at FROM deploy_markers
      WHERE app_id = $1 AND ($2::uuid IS NULL OR id = $2::uuid) AND ts <= to_timestamp($3 / 1000.0)
      ORDER BY ts DESC, id DESC LIMIT 1`,
    [appId, deployId ?? null, nowMs],
  );
  return rows[0] && { ...rows[0], at: rows[0].at.toISOString() };
}

export async function compareReleases(
  pool: pg.Pool,
  projectId: string,
  q: { appId: string; deployId?: string; days: number },
  nowMs: number,
): Promise<ReleaseComparison> {
  if (!(await findScope(pool, projectId, q.appId, null)).app) throw new NotFoundError(`App ${q.appId} does not exist in this project.`);
  const deploy = await findDeploy(pool, q.appId, q.deployId, nowMs);
  if (!deploy) {
    throw new NotFoundError(
      q.deployId
        ? `Deploy ${q.deployId} is not one of this app's deploys. List them with GET /api/apps/${q.appId}/deploys.`
        : `App ${q.appId} has no deploy yet: one is recorded when an instance first reports a new version (MEMSIGHT_APP_VERSION).`,
    );
  }
  const at = Date.parse(deploy.at);
  const span = q.days * DAY_MS;
  const rows = await releaseHourRows(pool, q.appId, at - span, at + span);
  return {
    appId: q.appId,
    deploy,
    windowDays: q.days,
    before: summarizeWindow(rows, at - span, at),
    after: summarizeWindow(rows, at, Math.min(at + span, nowMs)),
  };
}
