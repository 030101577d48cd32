import { Type, type Static } from 'typebox';
import { configOrExit, loadConfig, LogLevelSchema } from '@memsight/config';

export { ConfigError } from '@memsight/config';

export const AlerterConfigSchema = Type.Object({
  databaseUrl: Type.String({ minLength: 1 }),
  host: Type.String({ default: '127.0.0.1' }),
  port: Type.Integer({ default: 4200, minimum: 0 }),
  logLevel: LogLevelSchema,
  evaluationIntervalSeconds: Type.Integer({ default: 30, minimum: 1 }),
});
export type AlerterConfig = Static<typeof AlerterConfigSchema>;

export const ALERTER_ENV = {
  DATABASE_URL: 'databaseUrl',
  ALERTER_HOST: 'host',
  ALERTER_PORT: 'port',
  LOG_LEVEL: 'logLevel',
  ALERTER_EVALUATION_INTERVAL_SECONDS: 'evaluationIntervalSeconds',
} as const satisfies Record<string, keyof AlerterConfig>;

export function loadAlerterConfig(env: Record<string, string | undefined>, overrides: Partial<AlerterConfig> = {}): AlerterConfig {
  return loadConfig(AlerterConfigSchema, ALERTER_ENV, env, overrides, 'alerter');
}

/** The entry point's config: this process's environment, or exit with the reason. */
export function loadAlerterConfigFromEnvironment(): AlerterConfig {
  return configOrExit(() => loadAlerterConfig(process.env), 'alerter');
}
