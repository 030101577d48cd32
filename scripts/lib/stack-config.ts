// Configuration of `npm start` (the whole stack on one machine).
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { configOrExit, loadConfig } from '@memsight/config';

export const StackConfigSchema = Type.Object({
  databaseUrl: Type.Optional(Type.String({ minLength: 1 })),
  dataDir: Type.String({ default: '.memsight' }),
  embeddedPgPort: Type.Integer({ default: 54329, minimum: 1 }),
  ingestPort: Type.Integer({ default: 4100, minimum: 1 }),
  alerterPort: Type.Integer({ default: 4200, minimum: 1 }),
  dashboardPort: Type.Integer({ default: 3000, minimum: 1 }),
  host: Type.String({ default: '127.0.0.1' }),
  alertEmail: Type.String({ default: 'alerts@localhost', pattern: '^[^\\s@]+@[^\\s@]+$' }),
  smtpUrl: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  adminEmail: Type.String({ default: 'admin@memsight.local', pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' }),
  adminPassword: Type.Optional(Type.String({ minLength: 10 })),
  authSecret: Type.Optional(Type.String({ minLength: 32 })),
});
export type StackConfig = Static<typeof StackConfigSchema>;

export const STACK_ENV = {
  DATABASE_URL: 'databaseUrl',
  MEMSIGHT_DATA_DIR: 'dataDir',
  MEMSIGHT_EMBEDDED_PG_PORT: 'embeddedPgPort',
  INGEST_PORT: 'ingestPort',
  ALERTER_PORT: 'alerterPort',
  DASHBOARD_PORT: 'dashboardPort',
  MEMSIGHT_HOST: 'host',
  MEMSIGHT_ALERT_EMAIL: 'alertEmail',
  ALERTER_SMTP_URL: 'smtpUrl',
  MEMSIGHT_ADMIN_EMAIL: 'adminEmail',
  MEMSIGHT_ADMIN_PASSWORD: 'adminPassword',
  MEMSIGHT_AUTH_SECRET: 'authSecret',
} as const satisfies Record<string, keyof StackConfig>;

export function loadStackConfig(env: Record<string, string | undefined>, root: string): StackConfig {
  const config = loadConfig(StackConfigSchema, STACK_ENV, env, {}, 'memsight start');
  return { ...config, dataDir: path.resolve(root, config.dataDir) };
}

/** `npm start`'s config from this process's environment, or exit with the reason. */
export function stackConfigFromEnvironment(root: string): StackConfig {
  return configOrExit(() => loadStackConfig(process.env, root), 'start');
}

/** The environment handed to the stack's child processes. */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
