// GET /api/apps and GET /api/apps/:appId/instances, a page at a time: one
// key could create apps and instances by the thousand (issue 14), and an
// unpaged answer grew with them. Keyset cursors, like GET /api/alerts: apps
// by name, instances by (last seen, id) newest first. An instance that reports
// while a client pages moves to the front, so it may be missed or seen twice;
// a page is a listing, not an audit.
import type pg from 'pg';
import type { AppList, InstanceList } from '@memsight/contracts';
import { InvalidError } from '../../lib/errors';
import { listApps } from '../../queries/list-apps';
import { listInstances } from '../../queries/list-instances';

export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 1000;

export function pageLimit(limit: string | undefined): number {
  const n = limit === undefined ? DEFAULT_PAGE : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new InvalidError(`Query parameter "limit" must be between 1 and ${MAX_PAGE}; follow nextCursor for more.`);
  return n;
}

const encode = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

function decode(cursor: string, length: number): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== length || !parts.every((p) => typeof p === 'string')) {
    throw new InvalidError('Query parameter "cursor" is not a cursor this API gave out; pass nextCursor unchanged.');
  }
  return parts;
}

type PageQuery = { limit?: string; cursor?: string };

export async function listAppsPage(pool: pg.Pool, projectId: string, liveSinceMs: number, q: PageQuery): Promise<AppList> {
  const limit = pageLimit(q.limit);
  const afterName = q.cursor ? decode(q.cursor, 1)[0] : undefined;
  const apps = await listApps(pool, projectId, liveSinceMs, { afterName, limit: limit + 1 });
  const page = apps.slice(0, limit);
  return { apps: page, nextCursor: apps.length > limit ? encode([page.at(-1)!.name]) : null };
}

export async function listInstancesPage(pool: pg.Pool, projectId: string, appId: string, liveSinceMs: number, q: PageQuery): Promise<InstanceList> {
  const limit = pageLimit(q.limit);
  let before: { lastSeenAt: string; id: string } | undefined;
  if (q.cursor) {
    const [lastSeenAt, id] = decode(q.cursor, 2) as [string, string];
    if (!Number.isFinite(Date.parse(lastSeenAt)) || !/^[0-9]{1,18}$/.test(id)) throw new InvalidError('Query parameter "cursor" is not a cursor this API gave out; pass nextCursor unchanged.');
    before = { lastSeenAt, id };
  }
  const instances = await listInstances(pool, projectId, appId, liveSinceMs, { before, limit: limit + 1 });
  const page = instances.slice(0, limit);
  const last = page.at(-1);
  return { instances: page, nextCursor: instances.length > limit && last ? encode([last.lastSeenAt, last.id]) : null };
}
