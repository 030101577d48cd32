// GET /api/alerts: filters, and a keyset cursor over (started_at, id).
import type { FastifyInstance } from 'fastify';
import { selectAlertSummaries } from '@memsight/db';
import { ALERT_KINDS, ALERT_STATES, type AlertKind, type AlertList, type AlertState } from '@memsight/contracts';
import { InvalidError } from '../../lib/errors';
import { parseTime } from '../../lib/time-range';

export interface ListAlertsQuery {
  state?: string | string[];
  kind?: string | string[];
  appId?: string;
  instanceId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: string;
}

function listParam<T extends string>(value: string | string[] | undefined, allowed: readonly T[], name: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = [value].flat().flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const bad = items.filter((v) => !allowed.includes(v as T));
  if (bad.length) throw new InvalidError(`Query parameter "${name}" has ${bad.map((b) => `"${b}"`).join(', ')}; use ${allowed.join(', ')}.`);
  return items as T[];
}

const encodeCursor = (startedAt: string, id: string) => Buffer.from(`${Date.parse(startedAt)}:${id}`).toString('base64url');

function decodeCursor(cursor: string): { startedAtMs: number; id: string } {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  if (!ms || !id || !/^\d+$/.test(ms) || !/^[0-9a-f-]{36}$/.test(id)) throw new InvalidError('Query parameter "cursor" is not a cursor this API gave out; pass nextCursor unchanged.');
  return { startedAtMs: Number(ms), id };
}

export async function listAlerts(app: FastifyInstance, projectId: string, q: ListAlertsQuery): Promise<AlertList> {
  const limit = q.limit ? Number(q.limit) : 100;
  if (limit < 1 || limit > 500) throw new InvalidError('Query parameter "limit" must be between 1 and 500.');
  const alerts = await selectAlertSummaries(
    app.pool,
    {
      projectId,
      states: listParam<AlertState>(q.state, ALERT_STATES, 'state'),
      kinds: listParam<AlertKind>(q.kind, ALERT_KINDS, 'kind'),
      appId: q.appId,
      instanceId: q.instanceId,
      fromMs: q.from ? parseTime(q.from, 'from') : undefined,
      toMs: q.to ? parseTime(q.to, 'to') : undefined,
      before: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: limit + 1,
    },
    app.clock.now(),
  );
  const page = alerts.slice(0, limit);
  const last = page.at(-1);
  return { alerts: page, nextCursor: alerts.length > limit && last ? encodeCursor(last.startedAt, last.id) : null };
}
