// Browser-side access to the query API, through the dashboard's own origin.
// A signed-in person's session cookie is the credential (the credential
// argument is then ''); a script-style API key still works when one is passed.
// Every write carries the CSRF header ingest requires of cookie-authenticated changes.
import type { ReleaseComparison, AppTopSeries, AlertSpanList, DeployList, Overview, InstanceFiguresList, CreateNotificationChannel, MailboxList, NotificationChannel, NotificationChannelList, ApiKey, ApiKeyList, CreateApiKey, CreatedApiKey, AlertRule, AlertRuleList, CreateAlertRule, UpdateAlertRule, AlertDetail, AlertList, AlertTransitionList, AppList, CreateSilence, InstanceList, InstanceSnapshots, InstanceSummary, MetricNameList, SeriesResponse, Silence, AddedMember, AddMember, Me, Member, MemberList, UpdateMember } from '@memsight/contracts';
import { takeEarly } from './early-fetch';
import { currentProjectChoice, projectHeaders } from './project';

/** A field the API named in a 4xx (`details: [{ path: '/params/metric', message }]`). */
export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, apiKey: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { ...projectHeaders(), ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.method && init.method !== 'GET') headers['x-memsight-csrf'] = '1';
  const ask = () => fetch(path, { method: init.method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), cache: 'no-store' });
  // A session's GET the document already started (lib/early-fetch.ts); if that failed on the network, asked again.
  const early = !init.method && !apiKey ? takeEarly(path, currentProjectChoice()) : undefined;
  const res = await (early ? early.catch(ask) : ask());
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body?.error?.message ?? `HTTP ${res.status}`, Array.isArray(body?.error?.details) ? body.error.details : []);
  if (res.status === 204) return undefined as T;
  return body as T;
}

/** Every app of the project: /api/apps is paged, and the pages' app pickers list them all. */
async function allApps(key: string): Promise<AppList> {
  const first = await getJson<AppList>(paths.apps(), key);
  const apps = [...first.apps];
  // Bounded: a cursor that never ended (a server bug) must not loop the page forever.
  for (let cursor = first.nextCursor, pages = 1; cursor && pages < 20; pages++) {
    const next = await getJson<AppList>(paths.apps(cursor), key);
    apps.push(...next.apps);
    cursor = next.nextCursor;
  }
  return { apps, nextCursor: null };
}

const withStep = (step?: number) => (step === undefined ? '' : `&step=${step}`);

/** The GET paths the pages start with: built here once, for the calls below and for the document's early calls. */
export const paths = {
  /** The largest page: a project has at most INGEST_MAX_APPS_PER_PROJECT apps (1000 by default), so mostly one request. */
  apps: (cursor?: string) => `/api/apps?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  overview: () => '/api/overview',
  me: () => '/api/me',
  appDeploys: (appId: string, fromMs: number, toMs: number) => `/api/apps/${appId}/deploys?from=${fromMs}&to=${toMs}`,
  signals: (id: string, fromMs: number, toMs: number, step?: number) => `/api/instances/${id}/signals?from=${fromMs}&to=${toMs}${withStep(step)}`,
  topSeries: (appId: string, fromMs: number, toMs: number, step?: number) => `/api/apps/${appId}/top-series?from=${fromMs}&to=${toMs}${withStep(step)}`,
  alertSpans: (id: string, fromMs: number, toMs: number) => `/api/instances/${id}/alert-spans?from=${fromMs}&to=${toMs}`,
  instanceDeploys: (id: string, fromMs: number, toMs: number) => `/api/instances/${id}/deploys?from=${fromMs}&to=${toMs}`,
  /** The 500 most recently seen, as the app page always showed (the figures table has the same 500). */
  instances: (appId: string) => `/api/apps/${appId}/instances?limit=500`,
  figures: (appId: string) => `/api/apps/${appId}/instances/figures`,
  instance: (id: string) => `/api/instances/${id}`,
  snapshots: (id: string, fromMs: number, toMs: number) => `/api/instances/${id}/snapshots?from=${fromMs}&to=${toMs}`,
  alerts: (query: URLSearchParams) => `/api/alerts?${query}`,
  /** Transitions after a cursor; none: just the newest one. */
  transitions: (after: string | null) => `/api/alerts/transitions${after ? `?after=${after}` : ''}`,
};

export const api = {
  apps: (key: string) => allApps(key),
  overview: (key: string) => getJson<Overview>(paths.overview(), key),
  appDeploys: (key: string, appId: string, fromMs: number, toMs: number) => getJson<DeployList>(paths.appDeploys(appId, fromMs, toMs), key),
  /** A week before a deploy against a week after it; the newest deploy without `deployId`. */
  compareReleases: (key: string, appId: string, deployId?: string) =>
    getJson<ReleaseComparison>(`/api/apps/${appId}/releases/compare${deployId ? `?deployId=${encodeURIComponent(deployId)}` : ''}`, key),
  /** Every series the instance reported in the range, in one answer; step as for `series`. */
  signals: (key: string, id: string, fromMs: number, toMs: number, step?: number) =>
    getJson<SeriesResponse>(paths.signals(id, fromMs, toMs, step), key),
  topSeries: (key: string, appId: string, fromMs: number, toMs: number, step?: number) =>
    getJson<AppTopSeries>(paths.topSeries(appId, fromMs, toMs, step), key),
  alertSpans: (key: string, id: string, fromMs: number, toMs: number) => getJson<AlertSpanList>(paths.alertSpans(id, fromMs, toMs), key),
  instanceDeploys: (key: string, id: string, fromMs: number, toMs: number) => getJson<DeployList>(paths.instanceDeploys(id, fromMs, toMs), key),
  instances: (key: string, appId: string) => getJson<InstanceList>(paths.instances(appId), key),
  figures: (key: string, appId: string) => getJson<InstanceFiguresList>(paths.figures(appId), key),
  instance: (key: string, id: string) => getJson<InstanceSummary>(paths.instance(id), key),
  metrics: (key: string, id: string, fromMs: number, toMs: number) => getJson<MetricNameList>(`/api/instances/${id}/metrics?from=${fromMs}&to=${toMs}`, key),
  snapshots: (key: string, id: string, fromMs: number, toMs: number) => getJson<InstanceSnapshots>(paths.snapshots(id, fromMs, toMs), key),
  /** step: 0 for raw samples; omitted, the server downsamples to about 1,000 points. */
  series: (key: string, id: string, metrics: string[], fromMs: number, toMs: number, step?: number) =>
    getJson<SeriesResponse>(`/api/instances/${id}/series?${metrics.map((m) => `metric=${encodeURIComponent(m)}`).join('&')}&from=${fromMs}&to=${toMs}${withStep(step)}`, key),
  alerts: (key: string, query: URLSearchParams) => getJson<AlertList>(paths.alerts(query), key),
  alert: (key: string, id: string) => getJson<AlertDetail>(`/api/alerts/${id}`, key),
  /** Transitions after a cursor: what a reconnecting client missed. No cursor: just the newest one. */
  transitions: (key: string, after: string | null) => getJson<AlertTransitionList>(paths.transitions(after), key),
  acknowledge: (key: string, id: string) => getJson<AlertDetail>(`/api/alerts/${id}/ack`, key, { method: 'POST', body: {} }),
  unacknowledge: (key: string, id: string) => getJson<AlertDetail>(`/api/alerts/${id}/ack`, key, { method: 'DELETE' }),
  rules: (key: string) => getJson<AlertRuleList>('/api/rules', key),
  createRule: (key: string, body: CreateAlertRule) => getJson<AlertRule>('/api/rules', key, { method: 'POST', body }),
  updateRule: (key: string, id: string, body: UpdateAlertRule) => getJson<AlertRule>(`/api/rules/${id}`, key, { method: 'PATCH', body }),
  deleteRule: (key: string, id: string) => getJson<void>(`/api/rules/${id}`, key, { method: 'DELETE' }),
  channels: (key: string) => getJson<NotificationChannelList>('/api/channels', key),
  createChannel: (key: string, body: CreateNotificationChannel) => getJson<NotificationChannel>('/api/channels', key, { method: 'POST', body }),
  deleteChannel: (key: string, id: string) => getJson<void>(`/api/channels/${id}`, key, { method: 'DELETE' }),
  mailbox: (key: string) => getJson<MailboxList>('/api/mailbox?limit=50', key),
  keys: (key: string) => getJson<ApiKeyList>('/api/keys', key),
  createKey: (key: string, body: CreateApiKey) => getJson<CreatedApiKey>('/api/keys', key, { method: 'POST', body }),
  revokeKey: (key: string, id: string) => getJson<ApiKey>(`/api/keys/${id}`, key, { method: 'DELETE' }),
  silence: (key: string, body: CreateSilence) => getJson<Silence>('/api/silences', key, { method: 'POST', body }),
  /** The signed-in person, their projects and the one these calls act on (session only, not API keys). */
  me: (key: string) => getJson<Me>(paths.me(), key),
  members: (key: string) => getJson<MemberList>('/api/members', key),
  addMember: (key: string, body: AddMember) => getJson<AddedMember>('/api/members', key, { method: 'POST', body }),
  updateMember: (key: string, userId: string, body: UpdateMember) => getJson<Member>(`/api/members/${encodeURIComponent(userId)}`, key, { method: 'PATCH', body }),
  removeMember: (key: string, userId: string) => getJson<void>(`/api/members/${encodeURIComponent(userId)}`, key, { method: 'DELETE' }),
};
