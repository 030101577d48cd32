// Who may read /metrics (issue 14: it shows every project's ingest counters).
// With INGEST_METRICS_TOKEN set, a scraper sends it as a bearer token, as
// Prometheus' `authorization` scrape setting does; without one, only clients
// on this host are answered, so a default install (listening on 127.0.0.1)
// works as before and one listening on 0.0.0.0 shows nothing until a token is
// set. Kept apart from metrics.ts so that file only defines the metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { NotFoundError, UnauthorizedError } from '../../lib/errors';

export const METRICS_PATH = '/metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (a dual-stack listener reports those). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

export function metricsGuard(token: string | undefined): (request: FastifyRequest) => Promise<void> {
  // Compared as digests: equal lengths for timingSafeEqual, whatever was sent.
  const expected = token ? digest(token) : undefined;
  return async (request) => {
    if (!expected) {
      if (isLoopback(request.ip)) return;
      // 404, not 401: without a token configured there is nothing a remote client could send.
      throw new NotFoundError('Not found. Set INGEST_METRICS_TOKEN to scrape /metrics from another host.');
    }
    const sent = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!sent || !timingSafeEqual(digest(sent), expected)) {
      throw new UnauthorizedError('/metrics needs `Authorization: Bearer <INGEST_METRICS_TOKEN>`.');
    }
  };
}

export default fp(
  async (app) => {
    const guard = metricsGuard(app.config.metricsToken);
    // Registered before the metrics plugin, so its route arrives here with the guard added first.
    app.addHook('onRoute', (route) => {
      if (route.url !== METRICS_PATH) return;
      const existing = route.onRequest === undefined ? [] : [route.onRequest].flat();
      route.onRequest = [guard, ...existing];
    });
  },
  { name: 'metrics-access', dependencies: ['config'] },
);
