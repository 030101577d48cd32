// Ingest's configuration: read from the environment once, at startup, and
// checked against a schema. Everything else receives the typed object.
import { Type, type Static } from 'typebox';
import { ConfigError, configOrExit, loadConfig, LogLevelSchema } from '@memsight/config';

export { ConfigError } from '@memsight/config';

const Int = (def: number, min = 0) => Type.Integer({ default: def, minimum: min });

export const IngestConfigSchema = Type.Object({
  databaseUrl: Type.String({ minLength: 1 }),
  host: Type.String({ default: '127.0.0.1' }),
  port: Int(4100),
  logLevel: LogLevelSchema,
  bodyLimitBytes: Int(10 * 1024 * 1024, 1024),
  maxSampleAgeSeconds: Int(48 * 3600, 60),
  maxFutureSkewSeconds: Int(300, 0),
  /** Values per second per project. Under one replica's capacity (about 1.5 M/s on 2 cores), so one project cannot take all of it. */
  rateLimitSamplesPerSecond: Int(1_000_000, 0),
  flushIntervalMs: Int(2, 0),
  dbPoolSize: Int(12, 2),
  /** Connecting to PostgreSQL, or waiting for a free pooled connection: past it, 503. Under the agents' 5 s timeout. */
  dbConnectTimeoutMs: Int(3_000, 100),
  /** Any one statement (server-side statement_timeout; the client gives up 2 s later if the server hangs). */
  dbStatementTimeoutMs: Int(30_000, 100),
  /** The longest an ingest request waits on PostgreSQL (key lookup, instance, commit) before answering 503. */
  commitTimeoutMs: Int(4_000, 100),
  /** Sample rows waiting for the group commit; past it, batches are refused with 503 until the queue drains. */
  maxQueuedRows: Int(200_000, 1_000),
  /** Declared body bytes one project may have being read and decoded at once; past it, 429 before reading (0 = no bound). */
  maxInflightBytesPerProject: Int(24 * 1024 * 1024, 0),
  /** Decode worker threads; with two or more, the first is kept for small bodies (decode/decode-pool.ts). */
  decodeWorkers: Int(2, 0),
  /** Milliseconds a refusal for rate (429) is held before it is answered, at most its Retry-After (lib/refusal-delay.ts); 0 = at once. */
  refusalDelayMs: Int(1_000, 0),
  /** Milliseconds a batch may wait for its decode, queued and decoding; past it, 503 (and a worker silent that long on one body is restarted). */
  decodeTimeoutMs: Int(10_000, 1),
  /** Batches waiting or decoding, per decode worker; past it, 503. One project may hold half of the queue. */
  decodeQueuePerWorker: Int(64, 1),
  apiKeyCacheTtlSeconds: Int(10, 0),
  liveWindowSeconds: Int(60, 1),
  /** Per-project cardinality caps (0 = none): past one, a batch that would add an app, instance or metric list gets 422 cardinality_limit. */
  maxAppsPerProject: Int(1000, 0),
  /** Counts the app's instances seen in the last 24 h, so restarted processes age out. */
  maxInstancesPerApp: Int(5000, 0),
  maxMetricSetsPerProject: Int(5000, 0),
  /** The most points (metrics × points per metric) one query answer holds; past it, 400 saying how to ask within it. */
  queryMaxPoints: Int(500_000, 1000),
  /** `postgres`: socket.io broadcasts reach the sockets of every ingest replica; `local`: one replica only. */
  socketAdapter: Type.Union([Type.Literal('postgres'), Type.Literal('local')], { default: 'postgres' }),
  /** Milliseconds between the replicas' exchanges of what each admitted per project (the shared rate limit); 0 = no exchange. */
  usageSyncMs: Int(1000, 0),
  /** Seconds between rollup passes (minutes from new batches; hours every 5 minutes); 0 = off. */
  rollupIntervalSeconds: Int(15, 0),
  /** Days each kind of data is kept; expired partitions are dropped hourly. */
  retentionRawDays: Int(7, 1),
  retentionMinuteRollupDays: Int(90, 1),
  retentionHourRollupDays: Int(730, 1),
  retentionSnapshotDays: Int(30, 1),
  retentionBatchKeyDays: Int(3, 1),
  /** Signs dashboard session cookies (shared with the dashboard); without it, only API keys are accepted. */
  authSecret: Type.Optional(Type.String({ minLength: 32 })),
  /** The dashboard's origin, where people sign in. */
  dashboardUrl: Type.String({ default: 'http://127.0.0.1:3000' }),
  /** With a password, the first admin of the default project, made at start if missing (Docker has no launcher to print one). */
  adminEmail: Type.Optional(Type.String({ pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' })),
  adminPassword: Type.Optional(Type.String({ minLength: 10 })),
  /** Bearer token a scraper sends for /metrics; without it, /metrics answers clients on this host only. */
  metricsToken: Type.Optional(Type.String({ minLength: 16 })),
});
export type IngestConfig = Static<typeof IngestConfigSchema>;

/** Environment variable → config key. The README's configuration table lists the same names. */
export const INGEST_ENV = {
  DATABASE_URL: 'databaseUrl',
  INGEST_HOST: 'host',
  INGEST_PORT: 'port',
  LOG_LEVEL: 'logLevel',
  INGEST_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  INGEST_MAX_SAMPLE_AGE_SECONDS: 'maxSampleAgeSeconds',
  INGEST_MAX_FUTURE_SKEW_SECONDS: 'maxFutureSkewSeconds',
  INGEST_RATE_LIMIT_SAMPLES_PER_SECOND: 'rateLimitSamplesPerSecond',
  INGEST_FLUSH_INTERVAL_MS: 'flushIntervalMs',
  INGEST_DB_POOL_SIZE: 'dbPoolSize',
  INGEST_DB_CONNECT_TIMEOUT_MS: 'dbConnectTimeoutMs',
  INGEST_DB_STATEMENT_TIMEOUT_MS: 'dbStatementTimeoutMs',
  INGEST_COMMIT_TIMEOUT_MS: 'commitTimeoutMs',
  INGEST_MAX_QUEUED_ROWS: 'maxQueuedRows',
  INGEST_MAX_INFLIGHT_BYTES_PER_PROJECT: 'maxInflightBytesPerProject',
  INGEST_DECODE_WORKERS: 'decodeWorkers',
  INGEST_REFUSAL_DELAY_MS: 'refusalDelayMs',
  INGEST_DECODE_TIMEOUT_MS: 'decodeTimeoutMs',
  INGEST_DECODE_QUEUE_PER_WORKER: 'decodeQueuePerWorker',
  INGEST_API_KEY_CACHE_TTL_SECONDS: 'apiKeyCacheTtlSeconds',
  INGEST_LIVE_WINDOW_SECONDS: 'liveWindowSeconds',
  INGEST_MAX_APPS_PER_PROJECT: 'maxAppsPerProject',
  INGEST_MAX_INSTANCES_PER_APP: 'maxInstancesPerApp',
  INGEST_MAX_METRIC_SETS_PER_PROJECT: 'maxMetricSetsPerProject',
  INGEST_QUERY_MAX_POINTS: 'queryMaxPoints',
  INGEST_SOCKET_ADAPTER: 'socketAdapter',
  INGEST_USAGE_SYNC_MS: 'usageSyncMs',
  INGEST_ROLLUP_INTERVAL_SECONDS: 'rollupIntervalSeconds',
  RETENTION_RAW_DAYS: 'retentionRawDays',
  RETENTION_MINUTE_ROLLUP_DAYS: 'retentionMinuteRollupDays',
  RETENTION_HOUR_ROLLUP_DAYS: 'retentionHourRollupDays',
  RETENTION_SNAPSHOT_DAYS: 'retentionSnapshotDays',
  RETENTION_BATCH_KEY_DAYS: 'retentionBatchKeyDays',
  MEMSIGHT_AUTH_SECRET: 'authSecret',
  MEMSIGHT_DASHBOARD_URL: 'dashboardUrl',
  MEMSIGHT_ADMIN_EMAIL: 'adminEmail',
  MEMSIGHT_ADMIN_PASSWORD: 'adminPassword',
  INGEST_METRICS_TOKEN: 'metricsToken',
} as const satisfies Record<string, keyof IngestConfig>;

export function loadIngestConfig(env: Record<string, string | undefined>, overrides: Partial<IngestConfig> = {}): IngestConfig {
  const config = loadConfig(IngestConfigSchema, INGEST_ENV, env, overrides, 'ingest');
  // Ingest accepts samples this old, so their partitions and their retry keys must outlive that age.
  const acceptedDays = config.maxSampleAgeSeconds / 86_400;
  for (const [name, days] of [['RETENTION_RAW_DAYS', config.retentionRawDays], ['RETENTION_SNAPSHOT_DAYS', config.retentionSnapshotDays], ['RETENTION_BATCH_KEY_DAYS', config.retentionBatchKeyDays]] as const) {
    if (days < acceptedDays + 1) {
      throw new ConfigError(`Invalid ingest configuration: ${name}=${days} keeps less than the accepted sample age (INGEST_MAX_SAMPLE_AGE_SECONDS=${config.maxSampleAgeSeconds}) plus a day; raise it to ${Math.ceil(acceptedDays + 1)} or lower the age.`);
    }
  }
  return config;
}

/** The entry point's config: this process's environment, or exit with the reason. */
export function loadIngestConfigFromEnvironment(): IngestConfig {
  return configOrExit(() => loadIngestConfig(process.env), 'ingest');
}

/** The one-shot migrate entry point (src/migrate.ts) needs only the database. */
const MigrateConfigSchema = Type.Object({ databaseUrl: IngestConfigSchema.properties.databaseUrl });

export function loadMigrateConfigFromEnvironment(): Static<typeof MigrateConfigSchema> {
  return configOrExit(() => loadConfig(MigrateConfigSchema, { DATABASE_URL: 'databaseUrl' }, process.env, {}, 'migrate'), 'migrate');
}
