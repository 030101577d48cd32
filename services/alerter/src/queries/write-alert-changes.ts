// One transaction per batch of lifecycle decisions: the alert rows, their
// transitions, and a NOTIFY per transition that PostgreSQL delivers to every
// ingest (and so to dashboards) only if the transaction commits.
import type pg from 'pg';
import { inTransaction } from '@memsight/db';
import { PG_CHANNELS, type AlertEvidence, type AlertKind, type Severity } from '@memsight/contracts';

export interface AlertFigures {
  summary: string;
  metric: string | null;
  value: number | null;
  evidence: AlertEvidence;
  severity: Severity;
}

export type AlertChange =
  | ({ type: 'open'; id: string; projectId: string; ruleId: string; instanceId: string; appId: string; kind: AlertKind; state: 'pending' | 'firing'; atMs: number } & AlertFigures)
  | ({ type: 'fire'; id: string; projectId: string; instanceId: string; kind: AlertKind; atMs: number } & AlertFigures)
  | ({ type: 'update'; id: string; atMs: number; clearSinceMs: number | null } & Partial<AlertFigures>)
  | { type: 'resolve'; id: string; projectId: string; from: 'pending' | 'firing'; atMs: number; reason: string };

export interface WrittenTransition {
  id: string;
  alertId: string;
  projectId: string;
  to: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const pick = <T extends AlertChange['type']>(changes: AlertChange[], type: T) => changes.filter((c): c is Extract<AlertChange, { type: T }> => c.type === type);

export async function writeAlertChanges(client: pg.ClientBase, changes: AlertChange[]): Promise<WrittenTransition[]> {
  if (changes.length === 0) return [];
  const opens = pick(changes, 'open');
  const fires = pick(changes, 'fire');
  const updates = pick(changes, 'update');
  const resolves = pick(changes, 'resolve');
  return inTransaction(client, async () => {
    if (opens.length) {
      await client.query(
        `INSERT INTO alerts (id, project_id, rule_id, instance_id, app_id, kind, state, severity, summary, metric, value, evidence,
                             started_at, fired_at, last_evaluated_at)
         SELECT u.id, u.project_id, u.rule_id, u.instance_id, u.app_id, u.kind, u.state, u.severity, u.summary, u.metric, u.value, u.evidence::jsonb,
                u.at, CASE WHEN u.state = 'firing' THEN u.at END, u.at
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                       $11::float8[], $12::text[], $13::timestamptz[])
                AS u(id, project_id, rule_id, instance_id, app_id, kind, state, severity, summary, metric, value, evidence, at)`,
        [
          opens.map((o) => o.id), opens.map((o) => o.projectId), opens.map((o) => o.ruleId), opens.map((o) => o.instanceId),
          opens.map((o) => o.appId), opens.map((o) => o.kind), opens.map((o) => o.state), opens.map((o) => o.severity),
          opens.map((o) => o.summary), opens.map((o) => o.metric), opens.map((o) => o.value), opens.map((o) => JSON.stringify(o.evidence)),
          opens.map((o) => iso(o.atMs)),
        ],
      );
    }
    if (fires.length) {
      await client.query(
        `UPDATE alerts a SET state = 'firing', fired_at = u.at, last_evaluated_at = u.at, clear_since = NULL,
                summary = u.summary, metric = u.metric, value = u.value, evidence = u.evidence::jsonb, severity = u.severity
           FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[])
                AS u(id, at, summary, metric, value, evidence, severity)
          WHERE a.id = u.id AND a.state = 'pending'`,
        [fires.map((f) => f.id), fires.map((f) => iso(f.atMs)), fires.map((f) => f.summary), fires.map((f) => f.metric),
         fires.map((f) => f.value), fires.map((f) => JSON.stringify(f.evidence)), fires.map((f) => f.severity)],
      );
    }
    if (updates.length) {
      await client.query(
        `UPDATE alerts a SET last_evaluated_at = u.at, clear_since = u.clear_since,
                summary = coalesce(u.summary, a.summary), metric = coalesce(u.metric, a.metric), value = coalesce(u.value, a.value),
                evidence = coalesce(u.evidence::jsonb, a.evidence), severity = coalesce(u.severity, a.severity)
           FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[])
                AS u(id, at, clear_since, summary, metric, value, evidence, severity)
          WHERE a.id = u.id AND a.state <> 'resolved'`,
        [updates.map((u) => u.id), updates.map((u) => iso(u.atMs)), updates.map((u) => (u.clearSinceMs === null ? null : iso(u.clearSinceMs))),
         updates.map((u) => u.summary ?? null), updates.map((u) => u.metric ?? null), updates.map((u) => u.value ?? null),
         updates.map((u) => (u.evidence ? JSON.stringify(u.evidence) : null)), updates.map((u) => u.severity ?? null)],
      );
    }
    if (resolves.length) {
      await client.query(
        `UPDATE alerts a SET state = 'resolved', resolved_at = u.at, last_evaluated_at = u.at
           FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE a.id = u.id AND a.state <> 'resolved'`,
        [resolves.map((r) => r.id), resolves.map((r) => iso(r.atMs))],
      );
    }
    const transitions = [
      ...opens.map((o) => ({ alertId: o.id, projectId: o.projectId, from: null, to: o.state, atMs: o.atMs, reason: o.state === 'firing' ? 'The condition holds (the rule fires at once).' : 'The condition holds.' })),
      ...fires.map((f) => ({ alertId: f.id, projectId: f.projectId, from: 'pending', to: 'firing', atMs: f.atMs, reason: 'The condition held for the rule\'s "for".' })),
      ...resolves.map((r) => ({ alertId: r.id, projectId: r.projectId, from: r.from, to: 'resolved', atMs: r.atMs, reason: r.reason })),
    ];
    let written: WrittenTransition[] = [];
    if (transitions.length) {
      // Pending alerts that come and go are not notified (Prometheus never sends them); firing and its resolution are.
      const { rows } = await client.query<WrittenTransition>(
        `WITH t AS (
           INSERT INTO alert_transitions (alert_id, project_id, from_state, to_state, at, reason, dispatch)
           SELECT u.alert_id, u.project_id, u.from_state, u.to_state, u.at, u.reason,
                  CASE WHEN u.to_state = 'firing' OR (u.to_state = 'resolved' AND u.from_state = 'firing') THEN 'pending' ELSE 'none' END
             FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) WITH ORDINALITY
                  AS u(alert_id, project_id, from_state, to_state, at, reason, n)
            ORDER BY u.n
           RETURNING id, alert_id, project_id, to_state)
         SELECT id::text AS id, alert_id AS "alertId", project_id AS "projectId", to_state AS "to",
                pg_notify($7, json_build_object('transitionId', id::text, 'projectId', project_id)::text)
           FROM t ORDER BY id`,
        [transitions.map((t) => t.alertId), transitions.map((t) => t.projectId), transitions.map((t) => t.from), transitions.map((t) => t.to),
         transitions.map((t) => iso(t.atMs)), transitions.map((t) => t.reason), PG_CHANNELS.alertTransitions],
      );
      written = rows;
    }
    return written;
  });
}
