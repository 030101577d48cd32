// Alerts as the contract's AlertSummary, for ingest's API and for the
// alerter's emails (which snapshot them when a notification is created).
import type pg from 'pg';
import type { AlertEvidence, AlertKind, AlertState, AlertSummary } from '@memsight/contracts';

export interface AlertFilter {
  projectId?: string;
  ids?: string[];
  states?: AlertState[];
  kinds?: AlertKind[];
  appId?: string;
  instanceId?: string;
  /** started_at within [fromMs, toMs) */
  fromMs?: number;
  toMs?: number;
  /** Keyset cursor: rows strictly older than (startedAtMs, id) in (started_at DESC, id DESC) order. */
  before?: { startedAtMs: number; id: string };
  limit?: number;
}

interface Row {
  id: string; kind: AlertKind; state: AlertState; severity: AlertSummary['severity']; ruleId: string; ruleName: string;
  appId: string; appName: string; instanceId: string; summary: string; metric: string | null; value: number | null;
  startedAt: Date; firedAt: Date | null; resolvedAt: Date | null; lastEvaluatedAt: Date;
  ackAt: Date | null; ackExpiresAt: Date | null; ackComment: string | null; silenced: boolean; evidence?: AlertEvidence;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toSummary(r: Row, nowMs: number): AlertSummary {
  const ackLive = r.ackAt && (!r.ackExpiresAt || r.ackExpiresAt.getTime() > nowMs);
  return {
    id: r.id, kind: r.kind, state: r.state, severity: r.severity, ruleId: r.ruleId, ruleName: r.ruleName,
    appId: r.appId, appName: r.appName, instanceId: r.instanceId, summary: r.summary, metric: r.metric, value: r.value,
    startedAt: r.startedAt.toISOString(), firedAt: iso(r.firedAt), resolvedAt: iso(r.resolvedAt), lastEvaluatedAt: r.lastEvaluatedAt.toISOString(),
    acknowledged: ackLive ? { at: r.ackAt!.toISOString(), expiresAt: iso(r.ackExpiresAt), comment: r.ackComment } : null,
    silenced: r.silenced,
    link: `/instances/${r.instanceId}`,
  };
}

/** Alerts matching the filter, newest first, with their evidence when asked. */
export async function selectAlertSummaries(
  db: pg.Pool | pg.ClientBase,
  filter: AlertFilter,
  nowMs: number,
  withEvidence = false,
): Promise<(AlertSummary & { evidence?: AlertEvidence })[]> {
  const { rows } = await db.query<Row>(
    `SELECT a.id, a.kind, a.state, a.severity, a.rule_id AS "ruleId", coalesce(nullif(r.name, ''), a.kind) AS "ruleName",
            a.app_id AS "appId", ap.name AS "appName", a.instance_id::text AS "instanceId", a.summary, a.metric, a.value,
            a.started_at AS "startedAt", a.fired_at AS "firedAt", a.resolved_at AS "resolvedAt", a.last_evaluated_at AS "lastEvaluatedAt",
            a.ack_at AS "ackAt", a.ack_expires_at AS "ackExpiresAt", a.ack_comment AS "ackComment",
            EXISTS (SELECT 1 FROM silences s
                     WHERE s.project_id = a.project_id AND s.starts_at <= to_timestamp($1 / 1000.0) AND s.ends_at > to_timestamp($1 / 1000.0)
                       AND (s.app_id IS NULL OR s.app_id = a.app_id) AND (s.instance_id IS NULL OR s.instance_id = a.instance_id)
                       AND (s.kind IS NULL OR s.kind = a.kind)) AS silenced
            ${withEvidence ? ', a.evidence' : ''}
       FROM alerts a JOIN alert_rules r ON r.id = a.rule_id JOIN apps ap ON ap.id = a.app_id
      WHERE ($2::uuid IS NULL OR a.project_id = $2)
        AND ($3::uuid[] IS NULL OR a.id = ANY($3))
        AND ($4::text[] IS NULL OR a.state = ANY($4))
        AND ($5::text[] IS NULL OR a.kind = ANY($5))
        AND ($6::uuid IS NULL OR a.app_id = $6)
        AND ($7::bigint IS NULL OR a.instance_id = $7)
        AND ($8::float8 IS NULL OR a.started_at >= to_timestamp($8 / 1000.0))
        AND ($9::float8 IS NULL OR a.started_at < to_timestamp($9 / 1000.0))
        AND ($10::float8 IS NULL OR (a.started_at, a.id) < (to_timestamp($10 / 1000.0), $11::uuid))
      ORDER BY a.started_at DESC, a.id DESC
      LIMIT $12`,
    [
      nowMs, filter.projectId ?? null, filter.ids ?? null, filter.states ?? null, filter.kinds ?? null, filter.appId ?? null,
      filter.instanceId ?? null, filter.fromMs ?? null, filter.toMs ?? null, filter.before?.startedAtMs ?? null,
      filter.before?.id ?? null, filter.limit ?? 100,
    ],
  );
  return rows.map((r) => (withEvidence ? { ...toSummary(r, nowMs), evidence: r.evidence ?? { nextStep: '' } } : toSummary(r, nowMs)));
}
