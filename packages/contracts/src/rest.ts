// Responses of the dashboard's query API (GET /api/...).
import { Type, type Static } from 'typebox';
import { AlertKindSchema, SeveritySchema } from './alert-rules';
import { AlertStateSchema } from './alerts';

const IsoTime = Type.String({ format: 'date-time' });

export const AppSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  instanceCount: Type.Integer(),
  liveInstanceCount: Type.Integer({ description: 'Instances seen within the liveness window.' }),
  lastSeenAt: Type.Union([IsoTime, Type.Null()]),
});
const NextCursor = Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' });
export const AppList = Type.Object({ apps: Type.Array(AppSummary), nextCursor: NextCursor }, { $id: 'AppList' });

export const InstanceSummary = Type.Object({
  id: Type.String({ description: 'Server-side instance id (decimal string).' }),
  agentInstanceId: Type.String(),
  appId: Type.String(),
  appName: Type.String(),
  host: Type.String(),
  pid: Type.Integer(),
  runtime: Type.String(),
  runtimeVersion: Type.String(),
  appVersion: Type.Union([Type.String(), Type.Null()]),
  worker: Type.Union([Type.String(), Type.Null()], { description: 'gunicorn/uwsgi/cluster/PM2 worker, when the process is one.' }),
  agent: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  memoryLimitBytes: Type.Union([Type.Number(), Type.Null()]),
  startedAt: IsoTime,
  firstSeenAt: IsoTime,
  lastSeenAt: IsoTime,
  live: Type.Boolean(),
  droppedSamples: Type.Number({
    minimum: 0,
    description: "Samples the agent dropped from its full buffer (ingest unreachable or refusing it), summed over its batches' `dropped`; 0 when it lost none.",
  }),
  droppedLastAt: Type.Union([IsoTime, Type.Null()], { description: 'When drops were last reported (the newest sample of the newest batch reporting any); null when none were.' }),
});
export const InstanceList = Type.Object({ instances: Type.Array(InstanceSummary), nextCursor: NextCursor }, { $id: 'InstanceList' });

export const SeriesPoint = Type.Array(Type.Union([Type.Number(), Type.Null()]), {
  minItems: 2,
  maxItems: 2,
  description: '[unix ms, value]',
});
export const SeriesResolution = Type.Union([Type.Literal('raw'), Type.Literal('1m'), Type.Literal('1h')], {
  description: 'What the points were read from: raw samples, or minute or hour rollups (the most recent buckets are always read from raw samples).',
});
export const SeriesAggregate = Type.Union([Type.Literal('avg'), Type.Literal('min'), Type.Literal('max'), Type.Literal('last')], {
  description: "How a bucket's values became its point: mean, min (the lower envelope: a memory level's floor), max, or last.",
});
export const Series = Type.Object({
  metric: Type.String(),
  unit: Type.Union([Type.String(), Type.Null()]),
  points: Type.Array(SeriesPoint),
});
export const SeriesResponse = Type.Object(
  {
    instanceId: Type.String(),
    from: IsoTime,
    to: IsoTime,
    stepMs: Type.Union([Type.Integer(), Type.Null()], { description: 'null = raw samples, no bucketing.' }),
    resolution: SeriesResolution,
    aggregate: SeriesAggregate,
    series: Type.Array(Series),
  },
  { $id: 'SeriesResponse' },
);

export const AppTopSeries = Type.Object(
  {
    appId: Type.String(),
    metric: Type.String(),
    unit: Type.Union([Type.String(), Type.Null()]),
    from: IsoTime,
    to: IsoTime,
    stepMs: Type.Union([Type.Integer(), Type.Null()], { description: 'null = raw samples, no bucketing.' }),
    resolution: SeriesResolution,
    instances: Type.Array(
      Type.Object({ instanceId: Type.String(), host: Type.String(), pid: Type.Integer(), points: Type.Array(SeriesPoint) }),
      { description: "The live instances with the largest newest value of the metric, largest first." },
    ),
  },
  { $id: 'AppTopSeries' },
);
export type AppTopSeries = Static<typeof AppTopSeries>;

export const MetricNameList = Type.Object(
  { instanceId: Type.String(), metrics: Type.Array(Type.String()) },
  { $id: 'MetricNameList' },
);

/** Where memory is allocated, over a range: the newest snapshot of each kind and its growth since the oldest in the range. */
export const InstanceSnapshots = Type.Object(
  {
    instanceId: Type.String(),
    allocationSites: Type.Union([
      Type.Object({
        at: IsoTime,
        since: Type.Union([IsoTime, Type.Null()], { description: 'The snapshot growth is measured from; null: only one in the range, growth is the agent\'s own since its previous one.' }),
        source: Type.Union([Type.String(), Type.Null()]),
        sites: Type.Array(
          Type.Object({
            site: Type.String(),
            sizeBytes: Type.Number(),
            count: Type.Union([Type.Number(), Type.Null()]),
            growthBytes: Type.Union([Type.Number(), Type.Null()]),
            traceback: Type.Array(Type.String()),
          }),
        ),
      }),
      Type.Null(),
    ]),
    typeCounts: Type.Union([
      Type.Object({
        at: IsoTime,
        since: Type.Union([IsoTime, Type.Null()]),
        types: Type.Array(Type.Object({ type: Type.String(), count: Type.Number(), growth: Type.Union([Type.Number(), Type.Null()]) })),
      }),
      Type.Null(),
    ]),
  },
  { $id: 'InstanceSnapshots' },
);
export type InstanceSnapshots = Static<typeof InstanceSnapshots>;

/** The app page's table: each instance's newest reading of the figures that tell leaks and trouble apart. */
export const InstanceFigures = Type.Object({
  instanceId: Type.String(),
  at: Type.Union([IsoTime, Type.Null()], { description: 'When the newest sample was taken; null: none in the last hour.' }),
  rssBytes: Type.Union([Type.Number(), Type.Null()]),
  growthBytesPerHour: Type.Union([Type.Number(), Type.Null()], { description: 'The rate of its open leak alert, if one is open.' }),
  fragmentation: Type.Union([Type.Number(), Type.Null()], { description: 'The worst allocator fragmentation ratio it reports (pymalloc, glibc, V8 spaces).' }),
  gcPauseFraction: Type.Union([Type.Number(), Type.Null()]),
  openFds: Type.Union([Type.Number(), Type.Null()]),
  threads: Type.Union([Type.Number(), Type.Null()]),
  openAlerts: Type.Integer(),
});
export type InstanceFigures = Static<typeof InstanceFigures>;
export const InstanceFiguresList = Type.Object({ instances: Type.Array(InstanceFigures) }, { $id: 'InstanceFiguresList' });
export type InstanceFiguresList = Static<typeof InstanceFiguresList>;

/** A version an app reported for the first time: a line on its charts. */
export const DeployMarker = Type.Object({
  id: Type.String(),
  version: Type.String(),
  previousVersion: Type.Union([Type.String(), Type.Null()], { description: 'The version deployed before it; null for the first one seen.' }),
  at: IsoTime,
});
export type DeployMarker = Static<typeof DeployMarker>;
export const DeployList = Type.Object({ deploys: Type.Array(DeployMarker, { description: 'Oldest first.' }) }, { $id: 'DeployList' });
export type DeployList = Static<typeof DeployList>;

/** An alert as a band on an instance's charts: from startedAt to resolvedAt, or to now while open. */
export const AlertSpan = Type.Object({
  alertId: Type.String(),
  kind: AlertKindSchema,
  severity: SeveritySchema,
  state: AlertStateSchema,
  startedAt: IsoTime,
  firedAt: Type.Union([IsoTime, Type.Null()]),
  resolvedAt: Type.Union([IsoTime, Type.Null()], { description: 'null: still open.' }),
  summary: Type.String(),
});
export type AlertSpan = Static<typeof AlertSpan>;
export const AlertSpanList = Type.Object({ spans: Type.Array(AlertSpan, { description: 'Oldest start first.' }) }, { $id: 'AlertSpanList' });
export type AlertSpanList = Static<typeof AlertSpanList>;

export type AppSummary = Static<typeof AppSummary>;
export type AppList = Static<typeof AppList>;
export type InstanceSummary = Static<typeof InstanceSummary>;
export type InstanceList = Static<typeof InstanceList>;
export type Series = Static<typeof Series>;
export type SeriesResponse = Static<typeof SeriesResponse>;
export type MetricNameList = Static<typeof MetricNameList>;
