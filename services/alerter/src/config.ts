import { Type, type Static } from 'typebox';
import { configOrExit, loadConfig, LogLevelSchema } from '@memsight/config';

export { ConfigError } from '@memsight/config';

const Int = (def: number, min: number, description: string) => Type.Integer({ default: def, minimum: min, description });

export const AlerterConfigSchema = Type.Object({
  databaseUrl: Type.String({ minLength: 1 }),
  host: Type.String({ default: '127.0.0.1' }),
  port: Type.Integer({ default: 4200, minimum: 0 }),
  logLevel: LogLevelSchema,
  evaluationIntervalSeconds: Int(30, 1, 'How often every detector runs over every live instance.'),
  bucketSeconds: Int(60, 1, 'Width of the time buckets the detectors read (floors, peaks).'),
  historySeconds: Int(7200, 60, 'How much history per instance the alerter keeps in memory; longer rule windows are cut to it.'),
  liveWindowSeconds: Int(900, 10, 'Instances that sent data within this time are evaluated; alerts of instances silent for longer resolve.'),
  groupWaitSeconds: Int(30, 0, 'How long a new alert change waits for others of its app and kind before one email carries them all.'),
  repeatIntervalSeconds: Int(4 * 3600, 60, 'A still-firing, unacknowledged alert is emailed again after this long.'),
  smtpUrl: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'smtp://user:pass@host:port; none: emails go to the mailbox (GET /api/mailbox).' })),
  mailFrom: Type.String({ default: 'memsight <alerts@memsight.local>' }),
  dashboardUrl: Type.String({ default: 'http://127.0.0.1:3000', pattern: '^https?://', description: 'Links in emails point here.' }),
  smtpRetryMaxSeconds: Int(300, 1, 'Longest wait between two tries of one email.'),
  smtpTimeoutSeconds: Int(20, 1, 'Per SMTP connection and command.'),
});
export type AlerterConfig = Static<typeof AlerterConfigSchema>;

export const ALERTER_ENV = {
  DATABASE_URL: 'databaseUrl',
  ALERTER_HOST: 'host',
  ALERTER_PORT: 'port',
  LOG_LEVEL: 'logLevel',
  ALERTER_EVALUATION_INTERVAL_SECONDS: 'evaluationIntervalSeconds',
  ALERTER_BUCKET_SECONDS: 'bucketSeconds',
  ALERTER_HISTORY_SECONDS: 'historySeconds',
  ALERTER_LIVE_WINDOW_SECONDS: 'liveWindowSeconds',
  ALERTER_GROUP_WAIT_SECONDS: 'groupWaitSeconds',
  ALERTER_REPEAT_INTERVAL_SECONDS: 'repeatIntervalSeconds',
  ALERTER_SMTP_URL: 'smtpUrl',
  ALERTER_MAIL_FROM: 'mailFrom',
  ALERTER_DASHBOARD_URL: 'dashboardUrl',
  ALERTER_SMTP_RETRY_MAX_SECONDS: 'smtpRetryMaxSeconds',
  ALERTER_SMTP_TIMEOUT_SECONDS: 'smtpTimeoutSeconds',
} as const satisfies Record<string, keyof AlerterConfig>;

export function loadAlerterConfig(env: Record<string, string | undefined>, overrides: Partial<AlerterConfig> = {}): AlerterConfig {
  return loadConfig(AlerterConfigSchema, ALERTER_ENV, env, overrides, 'alerter');
}

/** The entry point's config: this process's environment, or exit with the reason. */
export function loadAlerterConfigFromEnvironment(): AlerterConfig {
  return configOrExit(() => loadAlerterConfig(process.env), 'alerter');
}
