// The ingest service as a Fastify plugin: infrastructure first, then the app
// services, then the feature routes. server.ts only starts it; tests build it
// with their own config and clock.
import type { FastifyInstance } from 'fastify';
import type { IngestConfig } from './config';
import configPlugin, { type Clock } from './plugins/external/config';
import errorHandler from './plugins/external/error-handler';
import drain from './plugins/external/drain';
import db from './plugins/external/db';
import metrics from './plugins/external/metrics';
import metricsAccess from './plugins/external/metrics-access';
import swagger from './plugins/external/swagger';
import securityHeaders from './plugins/external/security-headers';
import auth from './plugins/app/auth';
import rejectNul from './plugins/app/reject-nul';
import ingestPipeline from './plugins/app/ingest-pipeline';
import partitions from './plugins/app/partitions';
import history from './plugins/app/history';
import gateway from './socket/gateway';
import listener from './plugins/app/listener';
import alertRelay from './plugins/app/alert-relay';
import healthRoutes from './routes/health/routes';
import ingestRoutes from './routes/ingest/routes';
import queryRoutes from './routes/query/routes';
import alertRoutes from './routes/alerts/routes';
import ruleRoutes from './routes/rules/routes';
import silenceRoutes from './routes/silences/routes';
import channelRoutes from './routes/channels/routes';
import mailboxRoutes from './routes/mailbox/routes';
import keyRoutes from './routes/keys/routes';
import memberRoutes from './routes/members/routes';

export interface AppOptions {
  config: IngestConfig;
  clock?: Clock;
}

export const systemClock: Clock = { now: () => Date.now() };

export default async function ingestApp(app: FastifyInstance, opts: AppOptions): Promise<void> {
  await app.register(configPlugin, { config: opts.config, clock: opts.clock ?? systemClock });
  await app.register(errorHandler);
  await app.register(drain);
  await app.register(securityHeaders);
  await app.register(db);
  await app.register(metricsAccess);
  await app.register(metrics);
  await app.register(swagger);
  await app.register(auth);
  await app.register(rejectNul);
  await app.register(ingestPipeline);
  await app.register(partitions);
  await app.register(history);
  await app.register(listener);
  await app.register(gateway);
  await app.register(alertRelay);
  await app.register(healthRoutes);
  await app.register(ingestRoutes);
  await app.register(queryRoutes);
  await app.register(alertRoutes);
  await app.register(ruleRoutes);
  await app.register(silenceRoutes);
  await app.register(channelRoutes);
  await app.register(mailboxRoutes);
  await app.register(keyRoutes);
  await app.register(memberRoutes);
}
