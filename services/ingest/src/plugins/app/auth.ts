// Bearer API key authentication, shared by the ingest route, the query API and
// the socket.io handshake. Keys are looked up by SHA-256; answers are cached
// briefly so the hot path does not hit the database per request.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { hashApiKey } from '@memsight/db';
import { UnauthorizedError } from '../../lib/errors';
import { findApiKeyByHash } from '../../queries/find-api-key-by-hash';

interface CachedKey {
  projectId: string | null; // null = unknown or revoked
  reason: string;
  expiresAt: number;
}

export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly deps: { pool: import('pg').Pool; now: () => number; ttlMs: number },
  ) {}

  /** Resolves a raw key to its project, or throws UnauthorizedError saying why. */
  async projectFor(secret: string | undefined): Promise<string> {
    if (!secret) {
      throw new UnauthorizedError('Missing API key. Send the header `Authorization: Bearer <api key>`; keys are shown by `npm start` and in project settings.');
    }
    const keyHash = hashApiKey(secret);
    const now = this.deps.now();
    let entry = this.cache.get(keyHash);
    if (!entry || entry.expiresAt <= now) {
      const row = await findApiKeyByHash(this.deps.pool, keyHash);
      entry = !row
        ? { projectId: null, reason: 'unknown', expiresAt: now + this.deps.ttlMs }
        : row.revokedAt
          ? { projectId: null, reason: `revoked:${row.prefix}`, expiresAt: now + this.deps.ttlMs }
          : { projectId: row.projectId, reason: '', expiresAt: now + this.deps.ttlMs };
      if (this.cache.size > 10_000) this.cache.clear(); // bound memory under a key-guessing flood
      this.cache.set(keyHash, entry);
      if (row && !row.revokedAt) this.touch(row.id, now);
    }
    if (entry.projectId) return entry.projectId;
    if (entry.reason.startsWith('revoked:')) {
      throw new UnauthorizedError(`API key ${entry.reason.slice(8)}… has been revoked. Create a new key for this project.`);
    }
    throw new UnauthorizedError('Unknown API key. Check that the whole key was copied (it starts with msk_).');
  }

  // last_used_at is informational; writing it at most once a minute keeps it off the hot path.
  private touch(keyId: string, now: number): void {
    if ((this.lastUsedWrites.get(keyId) ?? 0) > now - 60_000) return;
    this.lastUsedWrites.set(keyId, now);
    this.deps.pool.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [keyId]).catch(() => {});
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

declare module 'fastify' {
  interface FastifyInstance {
    apiKeys: ApiKeyAuthenticator;
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    projectId: string;
  }
}

export default fp(
  async (app) => {
    const apiKeys = new ApiKeyAuthenticator({
      pool: app.pool,
      now: app.clock.now,
      ttlMs: app.config.apiKeyCacheTtlSeconds * 1000,
    });
    app.decorate('apiKeys', apiKeys);
    app.decorateRequest('projectId', '');
    app.decorate('authenticate', async (request: FastifyRequest) => {
      request.projectId = await apiKeys.projectFor(bearerToken(request.headers.authorization));
    });
  },
  { name: 'auth', dependencies: ['db', 'config'] },
);
