// Ingest's configuration: read from the environment once, at startup, and
// checked against a schema. Everything else receives the typed object.
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const IntString = (def: number, min = 0) =>
  Type.Integer({ default: def, minimum: min });

export const IngestConfigSchema = Type.Object({
  databaseUrl: Type.String({ minLength: 1 }),
  host: Type.String({ default: '127.0.0.1' }),
  port: IntString(4100),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  bodyLimitBytes: IntString(10 * 1024 * 1024, 1024),
  maxSampleAgeSeconds: IntString(48 * 3600, 60),
  maxFutureSkewSeconds: IntString(300, 0),
  rateLimitSamplesPerSecond: IntString(5_000_000, 0),
  flushIntervalMs: IntString(10, 0),
  dbPoolSize: IntString(12, 2),
  apiKeyCacheTtlSeconds: IntString(10, 0),
  liveWindowSeconds: IntString(60, 1),
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
  INGEST_API_KEY_CACHE_TTL_SECONDS: 'apiKeyCacheTtlSeconds',
  INGEST_LIVE_WINDOW_SECONDS: 'liveWindowSeconds',
} as const satisfies Record<string, keyof IngestConfig>;

export class ConfigError extends Error {}

export function loadIngestConfig(env: NodeJS.ProcessEnv, overrides: Partial<IngestConfig> = {}): IngestConfig {
  const raw: Record<string, unknown> = {};
  for (const [envName, key] of Object.entries(INGEST_ENV)) {
    const value = env[envName];
    if (value === undefined || value === '') continue;
    const def = IngestConfigSchema.properties[key];
    raw[key] = 'type' in def && def.type === 'integer' ? Number(value) : value;
  }
  const candidate = Value.Default(IngestConfigSchema, { ...raw, ...overrides });
  if (!Value.Check(IngestConfigSchema, candidate)) {
    const problems = [...Value.Errors(IngestConfigSchema, candidate)].map((e) => {
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
      const key = missing?.[0] ?? e.instancePath.slice(1);
      if (missing) return `${envNameOf(key)} is required`;
      return `${envNameOf(key)}: ${e.message}`;
    });
    throw new ConfigError(`Invalid ingest configuration: ${problems.join('; ')}`);
  }
  return candidate as IngestConfig;
}

function envNameOf(key: string): string {
  return Object.entries(INGEST_ENV).find(([, k]) => k === key)?.[0] ?? key;
}
