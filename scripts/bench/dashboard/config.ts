// The dashboard benchmark's settings: the BENCH_* variables, read here once.
// The defaults are the acceptance point: 50 apps × 10 instances, a day of
// 10 s samples, every page's first view under 1 s.
import { Type, type Static } from 'typebox';
import { loadConfig } from '@memsight/config';

export const BenchDashboardConfigSchema = Type.Object({
  apps: Type.Integer({ default: 50, minimum: 1 }),
  instancesPerApp: Type.Integer({ default: 10, minimum: 1 }),
  hours: Type.Number({ default: 24, exclusiveMinimum: 0, maximum: 47 }),
  stepSeconds: Type.Integer({ default: 10, minimum: 1 }),
  /** If a day at stepSeconds would take longer than this to seed, it is seeded at fallbackStepSeconds instead. */
  seedBudgetSeconds: Type.Integer({ default: 300, minimum: 1 }),
  fallbackStepSeconds: Type.Integer({ default: 30, minimum: 1 }),
  seedConnections: Type.Integer({ default: 2, minimum: 1, maximum: 8 }),
  runs: Type.Integer({ default: 5, minimum: 1 }),
  budgetMs: Type.Integer({ default: 1000, minimum: 1 }),
  /** cold: every navigation in a new browser context (nothing cached: a first visit); warm: one context per page, as a person moving about the dashboard has. */
  cache: Type.Union([Type.Literal('cold'), Type.Literal('warm')], { default: 'cold' }),
  /** Idle time after each navigation's context closes, before the next starts: its renderer's exit and the browser's clean-up are the harness's, not the next page's load. */
  settleMs: Type.Integer({ default: 1000, minimum: 0 }),
  /** Roll the seeded day up (minutes and hours) as a day-old deployment's roller would have; off reads every chart raw. */
  rollups: Type.Boolean({ default: true }),
  /** Keep the stack's data directory (several GB) after the run, to look at it again. */
  keepData: Type.Boolean({ default: false }),
});
export type BenchDashboardConfig = Static<typeof BenchDashboardConfigSchema>;

const ENV = {
  BENCH_APPS: 'apps',
  BENCH_INSTANCES_PER_APP: 'instancesPerApp',
  BENCH_HOURS: 'hours',
  BENCH_STEP_SECONDS: 'stepSeconds',
  BENCH_SEED_BUDGET_SECONDS: 'seedBudgetSeconds',
  BENCH_FALLBACK_STEP_SECONDS: 'fallbackStepSeconds',
  BENCH_SEED_CONNECTIONS: 'seedConnections',
  BENCH_RUNS: 'runs',
  BENCH_BUDGET_MS: 'budgetMs',
  BENCH_KEEP_DATA: 'keepData',
  BENCH_ROLLUPS: 'rollups',
  BENCH_SETTLE_MS: 'settleMs',
  BENCH_CACHE: 'cache',
} as const satisfies Record<string, keyof BenchDashboardConfig>;

export function loadBenchDashboardConfig(env: Record<string, string | undefined>): BenchDashboardConfig {
  return loadConfig(BenchDashboardConfigSchema, ENV, env, {}, 'bench:dashboard');
}
