// The alerts page's list as a pure function of what arrived: the REST page it
// loaded, then every `alert:transition` pushed over socket.io (or fetched by
// cursor after a reconnect). An event replaces the alert it names, wherever
// it was; an alert that no longer matches the filters leaves the list, one
// that starts to match enters it. Newest first, as the API orders them.
import type { AlertKind, AlertState, AlertSummary, AlertTransitionEvent } from '@memsight/contracts';

export interface AlertFilters {
  states: AlertState[];
  kinds: AlertKind[];
  appId: string | null;
}

export const NO_FILTERS: AlertFilters = { states: [], kinds: [], appId: null };
/** The overview's "firing now" card. */
export const FIRING_NOW: AlertFilters = { states: ['firing'], kinds: [], appId: null };

export function matches(a: AlertSummary, f: AlertFilters): boolean {
  return (f.states.length === 0 || f.states.includes(a.state)) && (f.kinds.length === 0 || f.kinds.includes(a.kind)) && (f.appId === null || a.appId === f.appId);
}

function newestFirst(a: AlertSummary, b: AlertSummary): number {
  return b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);
}

/** The list after these events; events older than one already applied (by cursor) change nothing. */
export function applyEvents(list: AlertSummary[], events: AlertTransitionEvent[], f: AlertFilters): AlertSummary[] {
  if (events.length === 0) return list;
  const byId = new Map(list.map((a) => [a.id, a]));
  for (const e of events) {
    if (matches(e.alert, f)) byId.set(e.alert.id, e.alert);
    else byId.delete(e.alert.id);
  }
  return [...byId.values()].sort(newestFirst);
}

/** Replace one alert (after acknowledge or silence) with what the API returned. */
export function replaceAlert(list: AlertSummary[], alert: AlertSummary, f: AlertFilters): AlertSummary[] {
  const rest = list.filter((a) => a.id !== alert.id);
  return matches(alert, f) ? [...rest, alert].sort(newestFirst) : rest;
}

/** Filters as the query string the API and the page's URL share. */
export function filtersToQuery(f: AlertFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.states.length) q.set('state', f.states.join(','));
  if (f.kinds.length) q.set('kind', f.kinds.join(','));
  if (f.appId) q.set('appId', f.appId);
  return q;
}

export function filtersFromQuery(q: URLSearchParams, states: readonly AlertState[], kinds: readonly AlertKind[]): AlertFilters {
  const list = <T extends string>(name: string, allowed: readonly T[]) => (q.get(name) ?? '').split(',').filter((x): x is T => (allowed as readonly string[]).includes(x));
  return { states: list('state', states), kinds: list('kind', kinds), appId: q.get('appId') || null };
}
