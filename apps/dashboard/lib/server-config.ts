// The dashboard server's configuration, read once from the environment and
// checked against a schema: what it needs to sign people in. The README's
// configuration table lists the same names.
import { Type, type Static } from 'typebox';
import { loadConfig } from '@memsight/config';

export const DashboardConfigSchema = Type.Object({
  databaseUrl: Type.String({ minLength: 1 }),
  authSecret: Type.String({ minLength: 32 }),
  dashboardUrl: Type.String({ default: 'http://127.0.0.1:3000' }),
});
export type DashboardConfig = Static<typeof DashboardConfigSchema>;

export const DASHBOARD_ENV = {
  DATABASE_URL: 'databaseUrl',
  MEMSIGHT_AUTH_SECRET: 'authSecret',
  MEMSIGHT_DASHBOARD_URL: 'dashboardUrl',
} as const satisfies Record<string, keyof DashboardConfig>;

let config: DashboardConfig | undefined;

/** Read on first use (the first sign-in request), so `next build` needs none of it. */
export function dashboardConfig(): DashboardConfig {
  return (config ??= loadConfig(DashboardConfigSchema, DASHBOARD_ENV, process.env, {}, 'dashboard'));
}
