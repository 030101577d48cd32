// Prisma CLI configuration. memsight applies migrations with its own runner
// (packages/db/src/migrate.ts) because the schema engine cannot be downloaded
// everywhere; the runner writes `_prisma_migrations` exactly as Prisma does, so
// `prisma migrate status` and `deploy` agree wherever the engine exists.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/memsight' },
});
