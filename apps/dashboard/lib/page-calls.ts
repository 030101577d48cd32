// The calls each page makes first, as chains of GET paths for the document's
// early script (lib/early-fetch.ts). Built from the same path builders and
// queries the pages' loaders use; the browser tests check that the page takes every early
// call (e2e/signals-cases.ts), so the two cannot drift apart silently.
import { ALERT_KINDS, ALERT_STATES } from '@memsight/contracts';
import { filtersFromQuery, filtersToQuery, FIRING_NOW, type AlertFilters } from './alert-feed';
import { paths } from './api';
import { isRaw, resolveWindow, spanOf, windowFromQuery, type TimeWindow } from './time-range';

/** The alert feed's first load: its cursor, then its list, in that order (see use-alert-feed). */
export const feedChain = (f: AlertFilters): string[] => [paths.transitions(null), paths.alerts(filtersToQuery(f))];

/** The instance page's list of its newest alerts. */
export const instanceAlertsQuery = (id: string) => new URLSearchParams({ instanceId: id, limit: '20' });

/**
 * Points a long range asks for: about one per two pixels of a chart as wide as
 * a laptop's page (Datadog draws ~300, Grafana one per pixel). A day's chart is
 * then 480 points of 3 minutes, not 720 of 2: a third less to read, send and draw.
 */
export const CHART_POINTS = 500;

/** The signals and series step for a window: raw samples for an hour or less, else whole seconds for about CHART_POINTS points (the server rounds it up to whole rollup buckets). */
export const stepFor = (w: TimeWindow): number => (isRaw(w) ? 0 : Math.ceil(spanOf(w) / CHART_POINTS / 1000) * 1000);

// Every page's session bar asks who is signed in and which projects they have.
const SESSION_BAR = [paths.me()];

export function overviewChains(): string[][] {
  return [SESSION_BAR, [paths.overview()], feedChain(FIRING_NOW)];
}

export function alertsChains(query: URLSearchParams): string[][] {
  return [SESSION_BAR, [paths.apps()], feedChain(filtersFromQuery(query, ALERT_STATES, ALERT_KINDS))];
}

export function appPaths(appId: string, w: TimeWindow, nowMs: number): string[] {
  const { fromMs, toMs } = resolveWindow(w, nowMs);
  return [paths.apps(), paths.instances(appId), paths.figures(appId), paths.appDeploys(appId, fromMs, toMs), paths.topSeries(appId, fromMs, toMs, stepFor(w))];
}

export function appChains(appId: string, query: URLSearchParams, nowMs: number): string[][] {
  return [SESSION_BAR, ...appPaths(appId, windowFromQuery(query), nowMs).map((p) => [p])];
}

export function instancePaths(id: string, w: TimeWindow, nowMs: number): string[] {
  const { fromMs, toMs } = resolveWindow(w, nowMs);
  return [
    paths.instance(id), paths.signals(id, fromMs, toMs, stepFor(w)), paths.alerts(instanceAlertsQuery(id)),
    paths.alertSpans(id, fromMs, toMs), paths.snapshots(id, fromMs, toMs), paths.instanceDeploys(id, fromMs, toMs),
  ];
}

export function instanceChains(id: string, query: URLSearchParams, nowMs: number): string[][] {
  return [SESSION_BAR, ...instancePaths(id, windowFromQuery(query), nowMs).map((p) => [p])];
}
