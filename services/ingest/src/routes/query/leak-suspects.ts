// Leak suspects: one row per instance with an open leak or time-to-limit
// alert, ranked by how soon it reaches a limit, then by how fast it grows.
import type { LeakSuspect } from '@memsight/contracts';
import type { OpenMemoryAlert } from '../../queries/open-memory-alerts';

export const MAX_SUSPECTS = 20;

interface Forecast {
  atMs: number;
  limitBytes: number;
  limitName: string;
}

/** A stored evidence.forecast, if it has what a suspect row shows; evidence is JSON the API never validated. */
function forecastOf(raw: unknown): Forecast | null {
  if (!raw || typeof raw !== 'object') return null;
  const f = raw as Record<string, unknown>;
  const atMs = typeof f.at === 'string' ? Date.parse(f.at) : NaN;
  if (!Number.isFinite(atMs) || typeof f.limitBytes !== 'number' || typeof f.limitName !== 'string') return null;
  return { atMs, limitBytes: f.limitBytes, limitName: f.limitName };
}

const soonest = (a: Forecast | null, b: Forecast | null) => (!a ? b : !b ? a : b.atMs < a.atMs ? b : a);
const larger = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function suspectOf(alerts: OpenMemoryAlert[], rssBytes: number | null, nowMs: number): LeakSuspect & { rankAtMs: number | null } {
  const first = alerts[0]!;
  // A time-to-limit alert's forecast is its finding; a leak alert's is a by-product, used only without one.
  const ttl = alerts.filter((a) => a.kind === 'time-to-limit').map((a) => forecastOf(a.forecast)).reduce(soonest, null);
  const forecast = ttl ?? alerts.map((a) => forecastOf(a.forecast)).reduce(soonest, null);
  const leakRate = alerts.filter((a) => a.kind === 'leak').map((a) => a.value).reduce(larger, null);
  const growthStartedAt = Math.min(...alerts.map((a) => (a.growthStartedAt && Date.parse(a.growthStartedAt)) || a.startedAt.getTime()));
  return {
    instanceId: first.instanceId,
    appId: first.appId,
    appName: first.appName,
    host: first.host,
    pid: first.pid,
    worker: first.worker,
    runtime: first.runtime,
    growthBytesPerHour: leakRate ?? alerts.map((a) => a.rateBytesPerHour).reduce(larger, null),
    // Counted from now, not from the evaluation that wrote the evidence: rows evaluated at different times stay comparable.
    secondsToLimit: forecast ? Math.max(0, Math.round((forecast.atMs - nowMs) / 1000)) : null,
    limitBytes: forecast?.limitBytes ?? null,
    limitName: forecast?.limitName ?? null,
    forecastAt: forecast ? new Date(forecast.atMs).toISOString() : null,
    growthStartedAt: new Date(growthStartedAt).toISOString(),
    rssBytes,
    state: alerts.some((a) => a.state === 'firing') ? 'firing' : 'pending',
    alertIds: alerts.map((a) => a.id),
    rankAtMs: forecast?.atMs ?? null,
  };
}

/** Pure: `alerts` oldest first (as listOpenMemoryAlerts returns them). */
export function rankLeakSuspects(alerts: OpenMemoryAlert[], rssOf: (instanceId: string) => number | null, nowMs: number): LeakSuspect[] {
  const byInstance = new Map<string, OpenMemoryAlert[]>();
  for (const a of alerts) {
    const group = byInstance.get(a.instanceId) ?? [];
    byInstance.set(a.instanceId, group);
    group.push(a);
  }
  const suspects = [...byInstance.values()].map((group) => suspectOf(group, rssOf(group[0]!.instanceId), nowMs));
  suspects.sort(
    (a, b) =>
      (a.rankAtMs ?? Infinity) - (b.rankAtMs ?? Infinity) ||
      (b.growthBytesPerHour ?? -Infinity) - (a.growthBytesPerHour ?? -Infinity) ||
      a.instanceId.localeCompare(b.instanceId),
  );
  return suspects.slice(0, MAX_SUSPECTS).map(({ rankAtMs: _rank, ...s }) => s);
}
