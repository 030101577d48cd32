// The one place a Prisma client is built: Prisma 7 talks to Postgres through
// the `pg` driver adapter. Callers disconnect it on shutdown.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';
import { poolTimeoutOptions, type PoolTimeouts } from './pool';

export type { PrismaClient };

export function createPrisma(connectionString: string, timeouts: PoolTimeouts = {}): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, ...poolTimeoutOptions(timeouts) }) });
}
