// The dashboard's read API. Every route is scoped to the caller's project.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../lib/errors';
import { getInstance, listInstances } from '../../queries/list-instances';
import { listInstanceMetrics } from '../../queries/get-instance-series';
import { listAlertSpans } from '../../queries/list-alert-spans';
import {
  getAppTopSeriesSchema,
  compareReleasesSchema,
  getInstanceSchema,
  getOverviewSchema,
  getSignalsSchema,
  getSeriesSchema,
  getSeriesCsvSchema,
  getSnapshotsSchema,
  listAlertSpansSchema,
  listAppDeploysSchema,
  listAppsSchema,
  listInstanceDeploysSchema,
  listInstanceFiguresSchema,
  listInstancesSchema,
  listMetricsSchema,
} from './schemas';
import { getInstanceFigures } from './get-instance-figures';
import { getInstanceSnapshots } from './get-instance-snapshots';
import { getOverview } from './get-overview';
import { getAppTopSeries } from './get-app-top-series';
import { compareReleases } from './compare-releases';
import { getInstanceSignals, readSeries } from './get-instance-signals';
import { findScope } from '../../queries/project-scope';
import { listDeploys } from './list-deploys';
import { listAppsPage, listInstancesPage } from './list-pages';
import { resolveTimeRange } from '../../lib/time-range';
import { seriesCsv } from './series-csv';
import type { Aggregate } from '../../queries/series-plan';

const MAX_ALERT_SPANS = 500;

const queryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const liveSince = () => app.clock.now() - app.config.liveWindowSeconds * 1000;
  const seriesContext = () => ({ nowMs: app.clock.now(), rawRetentionMs: app.config.retentionRawDays * 86_400_000, maxPoints: app.config.queryMaxPoints });

  async function requireInstance(projectId: string, instanceId: string) {
    const instance = await getInstance(app.pool, projectId, instanceId, liveSince());
    if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist in this project.`);
    return instance;
  }

  // Another project's app answers 404 like a missing one, never an empty list (issue 14, routes/isolation.test.ts).
  async function requireApp(projectId: string, appId: string) {
    if (!(await findScope(app.pool, projectId, appId, null)).app) throw new NotFoundError(`App ${appId} does not exist in this project.`);
  }

  app.get('/api/apps', { schema: listAppsSchema }, async (request) => listAppsPage(app.pool, request.projectId, liveSince(), request.query));

  app.get('/api/overview', { schema: getOverviewSchema }, async (request) =>
    getOverview(app.pool, request.projectId, app.clock.now(), liveSince()),
  );

  app.get('/api/apps/:appId/deploys', { schema: listAppDeploysSchema }, async (request) =>
    listDeploys(app.pool, request.projectId, { appId: request.params.appId }, request.query, app.clock.now()),
  );

  app.get('/api/apps/:appId/releases/compare', { schema: compareReleasesSchema }, async (request) =>
    compareReleases(app.pool, request.projectId, { appId: request.params.appId, deployId: request.query.deployId, days: Number(request.query.days ?? 7) }, app.clock.now()),
  );

  app.get('/api/instances/:instanceId/deploys', { schema: listInstanceDeploysSchema }, async (request) =>
    listDeploys(app.pool, request.projectId, { instanceId: request.params.instanceId }, request.query, app.clock.now()),
  );

  app.get('/api/instances/:instanceId/alert-spans', { schema: listAlertSpansSchema }, async (request) => {
    const { instanceId } = request.params;
    await requireInstance(request.projectId, instanceId);
    const nowMs = app.clock.now();
    const { fromMs, toMs } = resolveTimeRange(request.query, nowMs);
    return { spans: await listAlertSpans(app.pool, request.projectId, instanceId, fromMs, toMs, nowMs, MAX_ALERT_SPANS) };
  });

  app.get('/api/apps/:appId/instances', { schema: listInstancesSchema }, async (request) => {
    await requireApp(request.projectId, request.params.appId);
    return listInstancesPage(app.pool, request.projectId, request.params.appId, liveSince(), request.query);
  });

  app.get('/api/instances/:instanceId', { schema: getInstanceSchema }, async (request) =>
    requireInstance(request.projectId, request.params.instanceId),
  );

  app.get('/api/instances/:instanceId/metrics', { schema: listMetricsSchema }, async (request) => {
    await requireInstance(request.projectId, request.params.instanceId);
    const { fromMs, toMs } = resolveTimeRange(request.query, app.clock.now());
    return { instanceId: request.params.instanceId, metrics: await listInstanceMetrics(app.pool, request.params.instanceId, fromMs, toMs) };
  });

  app.get('/api/apps/:appId/instances/figures', { schema: listInstanceFiguresSchema }, async (request) => {
    await requireApp(request.projectId, request.params.appId);
    const instances = await listInstances(app.pool, request.projectId, request.params.appId, liveSince());
    return { instances: await getInstanceFigures(app.pool, request.projectId, instances.map((i) => i.id), app.clock.now()) };
  });

  app.get('/api/instances/:instanceId/snapshots', { schema: getSnapshotsSchema }, async (request) => {
    await requireInstance(request.projectId, request.params.instanceId);
    // Up to now, not an hour before `to`: a snapshot is taken every few minutes at most.
    const { fromMs, toMs } = resolveTimeRange(request.query, app.clock.now());
    return getInstanceSnapshots(app.pool, request.params.instanceId, fromMs, toMs + 1);
  });

  app.get('/api/instances/:instanceId/signals', { schema: getSignalsSchema }, async (request) => {
    await requireInstance(request.projectId, request.params.instanceId);
    return getInstanceSignals(app.pool, request.params.instanceId, resolveTimeRange(request.query, app.clock.now()), seriesContext());
  });

  app.get('/api/apps/:appId/top-series', { schema: getAppTopSeriesSchema }, async (request) => {
    const { appId } = request.params;
    await requireApp(request.projectId, appId);
    const range = resolveTimeRange(request.query, app.clock.now());
    const instances = await listInstances(app.pool, request.projectId, appId, liveSince());
    const { metric = 'process.memory.rss', limit = '10' } = request.query;
    return getAppTopSeries(app.pool, appId, instances, { metric, limit: Number(limit), ...range, nowMs: app.clock.now() }, seriesContext());
  });

  const seriesOf = async (request: { projectId: string; params: { instanceId: string }; query: { metric: string | string[]; agg?: Aggregate; from?: string; to?: string; step?: string } }) => {
    const { instanceId } = request.params;
    await requireInstance(request.projectId, instanceId);
    const range = { ...resolveTimeRange(request.query, app.clock.now()), aggregate: request.query.agg };
    return readSeries(app.pool, instanceId, [request.query.metric].flat(), range, seriesContext());
  };

  app.get('/api/instances/:instanceId/series', { schema: getSeriesSchema }, seriesOf);

  // An export of a chart's range, the same query as CSV: one row per time, one column per metric.
  app.get('/api/instances/:instanceId/series.csv', { schema: getSeriesCsvSchema }, async (request, reply) => {
    const answer = await seriesOf(request);
    const name = `instance-${answer.instanceId}-${answer.from}-${answer.to}.csv`.replaceAll(':', '');
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(seriesCsv(answer));
  });
};

export default queryRoutes;
