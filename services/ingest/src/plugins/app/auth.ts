// Bearer API key authentication, shared by the ingest route, the query API and
// the socket.io handshake. Keys are looked up by SHA-256; answers are cached
// briefly so the hot path does not hit the database per request. Each key has
// a scope: a route needs `config.scope`, or by default `read` for GET and
// `admin` for writes; an agent key (ingest) is refused everywhere else.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { hashApiKey } from '@memsight/db';
import { SCOPE_GRANTS, type ApiKeyScope } from '@memsight/contracts';
import { ForbiddenError, UnauthorizedError } from '../../lib/errors';
import { findApiKeyByHash } from '../../queries/find-api-key-by-hash';
import { withDeadline } from '../../lib/database-errors';
import { SessionAuthenticator } from './session-auth';

interface CachedKey {
  projectId: string | null; // null = unknown or revoked
  scope: ApiKeyScope;
  reason: string;
  expiresAt: number;
}

export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWrites = new Map<string, number>();
  /** Bumped by invalidate(): a lookup that began before a revocation must not cache what it read. */
  private generation = 0;

  constructor(
    /** lookupTimeoutMs: a hung database used to hang every request (even malformed ones) once the cache expired. */
    private readonly deps: { pool: import('pg').Pool; now: () => number; ttlMs: number; lookupTimeoutMs?: number },
  ) {}

  /** Resolves a raw key to its project if its scope grants `needs`; throws UnauthorizedError or ForbiddenError saying why. */
  async projectFor(secret: string | undefined, needs: ApiKeyScope): Promise<string> {
    // (Sessions are tried first by projectOf; a request with neither lands here with no key.)
    const key = await this.resolve(secret);
    if (!SCOPE_GRANTS[key.scope].includes(needs)) throw new ForbiddenError(FORBIDDEN[key.scope][needs] ?? `This ${key.scope} key cannot do this: it needs a ${needs} key.`);
    return key.projectId;
  }

  /** Forget every cached answer: a key revoked through any replica is refused at once (plugins/app/listener.ts). */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  private async resolve(secret: string | undefined): Promise<{ projectId: string; scope: ApiKeyScope }> {
    if (!secret) {
      throw new UnauthorizedError('Missing API key. Send the header `Authorization: Bearer <api key>`; keys are shown by `npm start` and in project settings.');
    }
    const keyHash = hashApiKey(secret);
    const now = this.deps.now();
    let entry = this.cache.get(keyHash);
    if (!entry || entry.expiresAt <= now) {
      const generation = this.generation;
      const row = await withDeadline(findApiKeyByHash(this.deps.pool, keyHash), this.deps.lookupTimeoutMs ?? 0, 'the API key lookup');
      entry = !row
        ? { projectId: null, scope: 'ingest', reason: 'unknown', expiresAt: now + this.deps.ttlMs }
        : row.revokedAt
          ? { projectId: null, scope: row.scope, reason: `revoked:${row.prefix}`, expiresAt: now + this.deps.ttlMs }
          : { projectId: row.projectId, scope: row.scope, reason: '', expiresAt: now + this.deps.ttlMs };
      if (this.cache.size > 10_000) this.cache.clear(); // bound memory under a key-guessing flood
      if (generation === this.generation) this.cache.set(keyHash, entry);
      if (row && !row.revokedAt) this.touch(row.id, now);
    }
    if (entry.projectId) return { projectId: entry.projectId, scope: entry.scope };
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

const FORBIDDEN: Record<ApiKeyScope, Partial<Record<ApiKeyScope, string>>> = {
  ingest: {
    read: 'This is an agent key (scope ingest): it can only send samples to /v1/ingest. Read with a read or admin key (Settings → API keys).',
    admin: 'This is an agent key (scope ingest): it can only send samples to /v1/ingest. Changes need an admin key (Settings → API keys).',
  },
  read: {
    ingest: 'This is a read key: agents send samples with an agent (ingest) or admin key.',
    admin: 'This is a read key: changes need an admin key (Settings → API keys).',
  },
  admin: {},
};

/** The scope a route needs: its own `config.scope`, else read for GET and HEAD, admin for writes. */
export function requiredScope(request: FastifyRequest): ApiKeyScope {
  const declared = (request.routeOptions.config as { scope?: ApiKeyScope } | undefined)?.scope;
  if (declared) return declared;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'admin';
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The key scope the route needs (see requiredScope). */
    scope?: ApiKeyScope;
  }
  interface FastifyInstance {
    apiKeys: ApiKeyAuthenticator;
    /** Dashboard sessions; undefined without MEMSIGHT_AUTH_SECRET (then keys only). */
    sessions: SessionAuthenticator | undefined;
    /** A request's or handshake's project: its Bearer key, else its session cookie. */
    projectOf: (headers: import('node:http').IncomingHttpHeaders, key: string | undefined, needs: ApiKeyScope, write: boolean) => Promise<string>;
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
      lookupTimeoutMs: app.config.commitTimeoutMs,
    });
    const sessions = app.config.authSecret ? new SessionAuthenticator({ pool: app.pool, secret: app.config.authSecret, dashboardUrl: app.config.dashboardUrl }) : undefined;
    const projectOf = async (headers: import('node:http').IncomingHttpHeaders, key: string | undefined, needs: ApiKeyScope, write: boolean) => {
      if (!key && sessions) {
        const project = await sessions.projectFor(headers, needs, write);
        if (project) return project;
      }
      return apiKeys.projectFor(key, needs);
    };
    app.decorate('apiKeys', apiKeys);
    app.decorate('sessions', sessions);
    app.decorate('projectOf', projectOf);
    app.decorateRequest('projectId', '');
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const write = request.method !== 'GET' && request.method !== 'HEAD';
      request.projectId = await projectOf(request.headers, bearerToken(request.headers.authorization), requiredScope(request), write);
    });
  },
  { name: 'auth', dependencies: ['db', 'config'] },
);
