// What other packages' tests use to run a real ingest against a tenant of
// their own (agents, examples, fault tests). Exported as
// `@memsight/ingest/testing`, as `@memsight/db/testing` is, so that nothing
// reaches into this package's folders by relative path.
export { createTenant, ManualClock, startTestIngest, storedSeries, storedSnapshots, testDatabaseUrl, useTenantAndIngest, type Tenant } from './harness';
export { seedBatch, postInstance, type SeedInstance } from './seed';
