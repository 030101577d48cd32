import type pg from 'pg';
import { ALERT_KINDS, RULE_DEFAULTS } from '@memsight/contracts';

const DETECTOR_KINDS = ALERT_KINDS.filter((k) => k !== 'threshold');

/**
 * Gives each project its default rule of every detector kind, so every detector
 * runs out of the box and users have a row to tune or disable. Idempotent: the
 * partial unique index on (project, kind) WHERE builtin makes repeats no-ops.
 */
export async function ensureBuiltinRules(db: pg.Pool | pg.ClientBase, projectIds: string[]): Promise<number> {
  if (projectIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO alert_rules (id, project_id, kind, name, severity, for_seconds, keep_firing_for_seconds, builtin)
     SELECT gen_random_uuid(), p.id, k.kind, k.name, k.severity, k.for_seconds, k.keep_for, true
       FROM unnest($1::uuid[]) AS p(id)
      CROSS JOIN unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) AS k(kind, name, severity, for_seconds, keep_for)
     ON CONFLICT (project_id, kind) WHERE builtin DO NOTHING`,
    [
      projectIds,
      DETECTOR_KINDS,
      DETECTOR_KINDS.map((k) => RULE_DEFAULTS[k].name),
      DETECTOR_KINDS.map((k) => RULE_DEFAULTS[k].severity),
      DETECTOR_KINDS.map((k) => RULE_DEFAULTS[k].forSeconds),
      DETECTOR_KINDS.map((k) => RULE_DEFAULTS[k].keepFiringForSeconds),
    ],
  );
  return rowCount ?? 0;
}
