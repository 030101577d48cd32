import { Type } from 'typebox';
import { AppTopSeries, AlertSpanList, AppList, DeployList, InstanceFiguresList, Overview, InstanceList, InstanceSnapshots, InstanceSummary, SeriesResponse, MetricNameList, ErrorResponse, ReleaseComparison } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const InstanceParams = Type.Object({ instanceId: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const TimeRange = {
  from: Type.Optional(Type.String({ description: 'ISO time or unix ms; default: one hour before `to`' })),
  to: Type.Optional(Type.String({ description: 'ISO time or unix ms; default: now' })),
};

const Page = {
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'Items per page, 1–1000; default 200' })),
  cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of the previous page' })),
};

export const listAppsSchema = {
  tags: ['query'],
  summary: 'Apps of the project by name, a page at a time (follow nextCursor)',
  querystring: Type.Object(Page),
  response: { 200: AppList, ...errors },
};

export const listInstancesSchema = {
  tags: ['query'],
  summary: 'Instances of one app, most recently seen first, a page at a time (follow nextCursor)',
  params: Type.Object({ appId: Type.String({ format: 'uuid' }) }),
  querystring: Type.Object(Page),
  response: { 200: InstanceList, ...errors },
};

export const getInstanceSchema = { tags: ['query'], summary: 'One instance', params: InstanceParams, response: { 200: InstanceSummary, ...errors } };

export const listMetricsSchema = {
  tags: ['query'],
  summary: 'Metric names an instance reported in a time range',
  params: InstanceParams,
  querystring: Type.Object(TimeRange),
  response: { 200: MetricNameList, ...errors },
};

export const listInstanceFiguresSchema = {
  tags: ['query'],
  summary: "Each instance of an app with its newest RSS, fds, threads, GC pause fraction, worst fragmentation and open leak rate",
  params: Type.Object({ appId: Type.String({ format: 'uuid' }) }),
  response: { 200: InstanceFiguresList, ...errors },
};

export const getSnapshotsSchema = {
  tags: ['query'],
  summary: 'Allocation sites and object types of an instance: the newest snapshots in a range, with growth since the oldest',
  params: InstanceParams,
  querystring: Type.Object(TimeRange),
  response: { 200: InstanceSnapshots, ...errors },
};

export const getSeriesSchema = {
  tags: ['query'],
  summary: "One instance's series over a time range",
  params: InstanceParams,
  querystring: Type.Object({
    metric: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 50 })], {
      description: 'Metric name; repeat for several',
    }),
    ...TimeRange,
    step: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$', description: 'Bucket width in ms; 0 = raw samples; default: range / 1000. From 1 min, read from minute rollups; from 1 h, hour rollups.' })),
    agg: Type.Optional(Type.Union([Type.Literal('avg'), Type.Literal('min'), Type.Literal('max'), Type.Literal('last')], { description: 'Per bucket: mean (default), min (the floor), max or last' })),
  }),
  response: { 200: SeriesResponse, ...errors },
};

export const getSeriesCsvSchema = {
  ...getSeriesSchema,
  summary: "One instance's series over a time range as CSV (time, then a column per metric): an export of a chart",
  produces: ['text/csv'],
  response: { 200: Type.String({ description: 'text/csv' }), ...errors },
};

const Step = Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$', description: 'Bucket width in ms (average per bucket); 0 = raw samples; default: range / 1000' }));

export const getSignalsSchema = {
  tags: ['query'],
  summary: "Every series an instance reported in a time range, in one answer (at most 200 metrics, by name): what its page draws",
  params: InstanceParams,
  querystring: Type.Object({ ...TimeRange, step: Step }),
  response: { 200: SeriesResponse, ...errors },
};

export const getAppTopSeriesSchema = {
  tags: ['query'],
  summary: "One metric's series for the live instances of an app with its largest newest values (RSS by default): the app's combined chart",
  params: Type.Object({ appId: Type.String({ format: 'uuid' }) }),
  querystring: Type.Object({
    metric: Type.Optional(Type.String({ minLength: 1, maxLength: 200, default: 'process.memory.rss' })),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-4][0-9]|50)$', description: 'How many instances, 1–50; default 10' })),
    ...TimeRange,
    step: Step,
  }),
  response: { 200: AppTopSeries, ...errors },
};

export const getOverviewSchema = {
  tags: ['query'],
  summary: 'Every app with its last hour (RSS sparkline, worst growth, worst fragmentation, open alerts) and the leak suspects',
  response: { 200: Overview, ...errors },
};

export const listAppDeploysSchema = {
  tags: ['query'],
  summary: "An app's deploy markers (first report of each version) with `at` in [from, to], oldest first; at most 500, the newest kept",
  params: Type.Object({ appId: Type.String({ format: 'uuid' }) }),
  querystring: Type.Object(TimeRange),
  response: { 200: DeployList, ...errors },
};

export const listInstanceDeploysSchema = {
  tags: ['query'],
  summary: "The deploy markers of an instance's app with `at` in [from, to], oldest first; at most 500, the newest kept",
  params: InstanceParams,
  querystring: Type.Object(TimeRange),
  response: { 200: DeployList, ...errors },
};

export const listAlertSpansSchema = {
  tags: ['query'],
  summary: "An instance's alerts as chart bands: those whose [startedAt, resolvedAt or now] overlaps [from, to], oldest first",
  description:
    'Unlike GET /api/alerts, whose from/to select by start time, this selects by overlap: an alert that started before `from` and is still open, ' +
    'or resolved after `from`, is included. Same range parameters and defaults as the series route, so a chart asks both with one range. At most 500, the newest kept.',
  params: InstanceParams,
  querystring: Type.Object(TimeRange),
  response: { 200: AlertSpanList, ...errors },
};

export const compareReleasesSchema = {
  tags: ['query'],
  summary: "An app's memory the days before a deploy against the days after: growth rate, heap floor, fragmentation, GC pause share",
  params: Type.Object({ appId: Type.String({ format: 'uuid' }) }),
  querystring: Type.Object({
    deployId: Type.Optional(Type.String({ format: 'uuid', description: 'A deploy marker of the app (GET /api/apps/:appId/deploys); default: the newest' })),
    days: Type.Optional(Type.String({ pattern: '^([1-9]|[12][0-9]|30)$', description: 'Days on each side, 1–30; default 7' })),
  }),
  response: { 200: ReleaseComparison, ...errors },
};
