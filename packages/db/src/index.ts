export { startEmbeddedPostgres, type RunningPostgres, type EmbeddedOptions } from './embedded';
export { migrate, listMigrations, MigrationError, type MigrationResult } from './migrate';
export { ensureSamplePartitions, partitionName } from './partitions';
export { createPool } from './pool';
export { createPrisma, type PrismaClient } from './prisma';
export { createApiKey, createProject, revokeApiKey, generateApiKey, hashApiKey, API_KEY_PREFIX } from './api-keys';
export { MIGRATIONS_DIR } from './paths';
export { ensureBuiltinRules } from './builtin-rules';
export { selectAlertSummaries, type AlertFilter } from './alert-summaries';
