// Database access: one pg Pool for the hot ingest path and time-bucket SQL,
// one Prisma client for CRUD. Both close with the app.
import fp from 'fastify-plugin';
import type pg from 'pg';
import { createPool, createPrisma, type PrismaClient } from '@memsight/db';

declare module 'fastify' {
  interface FastifyInstance {
    pool: pg.Pool;
    prisma: PrismaClient;
  }
}

export default fp(
  async (app) => {
    // Every wait on PostgreSQL is bounded: a down or hung server turns into 503s, not requests that hang.
    const timeouts = { connectTimeoutMs: app.config.dbConnectTimeoutMs, statementTimeoutMs: app.config.dbStatementTimeoutMs };
    const pool = createPool(app.config.databaseUrl, app.config.dbPoolSize, timeouts);
    pool.on('error', (err) => app.log.warn({ err }, 'idle database connection failed'));
    const prisma = createPrisma(app.config.databaseUrl, timeouts);
    app.decorate('pool', pool);
    app.decorate('prisma', prisma);
    app.addHook('onClose', async () => {
      await prisma.$disconnect();
      await pool.end();
    });
  },
  { name: 'db', dependencies: ['config'] },
);
