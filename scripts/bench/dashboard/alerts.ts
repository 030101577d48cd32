// Alerts for the alerts page and the overview's "firing now": a day of
// resolved history written as the evaluator writes it (alert, transitions,
// nothing left to email), and open alerts raised by the real alerter from a
// threshold rule made through the API, so their rows are the alerter's own.
import type pg from 'pg';
import { ensureBuiltinRules } from '@memsight/db';
import type { Fleet } from './fleet';

const HISTORY_KINDS = ['leak', 'fragmentation', 'gc', 'resource-leak', 'time-to-limit'] as const;
const SUMMARY: Record<(typeof HISTORY_KINDS)[number], string> = {
  leak: 'Heap floor rising 18 MB/h since the last deploy',
  fragmentation: 'glibc malloc holds 41% of its arena free',
  gc: 'Full collections every 4 s for 10 minutes',
  'resource-leak': 'Open sockets rising 30/h',
  'time-to-limit': 'Memory limit reached in about 5 h at the current rate',
};

/** `count` resolved alerts spread over [fromMs, toMs), each with its pending → firing → resolved transitions. */
export async function addResolvedAlerts(pool: pg.Pool, fleet: Fleet, count: number, fromMs: number, toMs: number): Promise<number> {
  await ensureBuiltinRules(pool, [fleet.projectId]);
  const { rows: rules } = await pool.query<{ id: string; kind: string }>(
    'SELECT id, kind FROM alert_rules WHERE project_id = $1 AND builtin AND kind = ANY($2)',
    [fleet.projectId, HISTORY_KINDS],
  );
  const ruleOf = new Map(rules.map((r) => [r.kind, r.id]));
  const picks = Array.from({ length: count }, (_, k) => {
    const instance = fleet.instances[(k * 53) % fleet.instances.length]!;
    const kind = HISTORY_KINDS[k % HISTORY_KINDS.length]!;
    const startedMs = fromMs + ((toMs - fromMs) * k) / count;
    return { instance, kind, startedMs, durationMs: (20 + ((k * 13) % 60)) * 60_000 };
  });
  await pool.query(
    `WITH a AS (
       INSERT INTO alerts (id, project_id, rule_id, instance_id, app_id, kind, state, severity, summary, metric, value, evidence,
                           started_at, fired_at, resolved_at, last_evaluated_at, last_notified_at)
       SELECT gen_random_uuid(), $1, p.rule_id, p.instance_id, p.app_id, p.kind, 'resolved', 'warning', p.summary, 'process.memory.rss', 1.8e7,
              jsonb_build_object('nextStep', 'Compare the allocation sites before and after the deploy.'),
              to_timestamp(p.started / 1000.0), to_timestamp((p.started + 300000) / 1000.0), to_timestamp((p.started + p.duration) / 1000.0),
              to_timestamp((p.started + p.duration) / 1000.0), to_timestamp((p.started + 300000) / 1000.0)
         FROM unnest($2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::float8[], $8::float8[])
              AS p(rule_id, instance_id, app_id, kind, summary, started, duration)
       RETURNING id, started_at, fired_at, resolved_at)
     INSERT INTO alert_transitions (alert_id, project_id, from_state, to_state, at, reason, dispatch)
     SELECT a.id, $1, s.from_state, s.to_state, s.at, s.reason, 'none'
       FROM a CROSS JOIN LATERAL (VALUES (NULL, 'pending', a.started_at, 'The condition holds.'),
                                         ('pending', 'firing', a.fired_at, 'The condition held for the rule''s "for".'),
                                         ('firing', 'resolved', a.resolved_at, 'The condition no longer holds.')) AS s(from_state, to_state, at, reason)
      ORDER BY s.at`,
    [
      fleet.projectId,
      picks.map((p) => ruleOf.get(p.kind)!),
      picks.map((p) => p.instance.id),
      picks.map((p) => p.instance.appId),
      picks.map((p) => p.kind),
      picks.map((p) => SUMMARY[p.kind]),
      picks.map((p) => p.startedMs),
      picks.map((p) => p.durationMs),
    ],
  );
  return count;
}

/** A threshold rule the fleet's socket leakers cross after about 20 hours; the running alerter fires it. */
export async function addSocketRule(ingestUrl: string, apiKey: string): Promise<void> {
  const res = await fetch(`${ingestUrl}/api/rules`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'threshold', name: 'Open sockets above 500', params: { metric: 'process.open_fds{kind=socket}', op: '>', value: 500 }, forSeconds: 0 }),
  });
  if (!res.ok) throw new Error(`POST /api/rules answered ${res.status}: ${await res.text()}`);
}

/** Waits up to `timeoutMs` for the alerter to raise at least `atLeast` firing alerts; the number firing then. */
export async function waitForFiring(ingestUrl: string, apiKey: string, atLeast: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${ingestUrl}/api/alerts?state=firing&limit=200`, { headers: { authorization: `Bearer ${apiKey}` } });
    const firing = res.ok ? ((await res.json()) as { alerts: unknown[] }).alerts.length : 0;
    if (firing >= atLeast || Date.now() > deadline) return firing;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
