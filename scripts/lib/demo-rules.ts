// The per-app rules `npm run demo` adds so that a newcomer sees detector
// alerts within minutes instead of the defaults' ~25: shorter windows, less
// data before deciding, a short warm-up and one minute before firing. They
// are created once per app, through the REST API: a rule of the same name and
// kind already there is left alone.
import { AlertRule, AlertRuleList, type CreateAlertRule } from '@memsight/contracts';
import type { Example } from './examples';
import type { MemsightApi } from './memsight-api';

export const FAST_DETECTION = 'demo: faster detection';
export const MANY_OPEN_FDS = 'demo: many open fds';

const QUICK_WINDOW = { windowSeconds: 1800, minSpanSeconds: 420, warmupSeconds: 30 };

/** The demo's rules for one example's app: faster detectors for all of them, and an fd threshold where fds leak. */
export function demoRules(example: Example, appId: string): CreateAlertRule[] {
  const fast = (kind: CreateAlertRule['kind'], params: Record<string, number>): CreateAlertRule => ({ kind, appId, name: FAST_DETECTION, forSeconds: 60, params });
  const rules = [
    fast('leak', QUICK_WINDOW),
    fast('resource-leak', QUICK_WINDOW),
    fast('gc', QUICK_WINDOW),
    fast('fragmentation', { windowSeconds: 900, minSpanSeconds: 300, warmupSeconds: 60 }),
  ];
  if (example.raises.includes('threshold')) {
    rules.push({ kind: 'threshold', appId, name: MANY_OPEN_FDS, params: { metric: 'process.open_fds{kind=total}', op: '>', value: 200 } });
  }
  return rules;
}

export type RulesOutcome = 'done' | 'no-rules-api' | 'failed';

/** Adds what is missing of the demo's rules for one app; says on `log` what it did. */
export async function ensureDemoRules(api: MemsightApi, appName: string, wanted: CreateAlertRule[], log: (line: string) => void): Promise<RulesOutcome> {
  const appId = wanted[0]?.appId ?? '';
  const listed = await api.get(`/api/rules?appId=${encodeURIComponent(appId)}`, AlertRuleList);
  if (!listed.ok) {
    if (listed.status === 404) return 'no-rules-api';
    log(`${appName}: could not list its rules: ${listed.message}`);
    return 'failed';
  }
  const added: string[] = [];
  const present: string[] = [];
  let outcome: RulesOutcome = 'done';
  for (const rule of wanted) {
    if (listed.body.rules.some((r) => r.name === rule.name && r.kind === rule.kind)) {
      present.push(rule.kind);
      continue;
    }
    const created = await api.post('/api/rules', rule, AlertRule);
    if (created.ok) added.push(rule.kind);
    else if (created.status === 404) return 'no-rules-api';
    else {
      log(`${appName}: the ${rule.kind} rule "${rule.name}" was refused: ${created.message}`);
      outcome = 'failed';
    }
  }
  if (added.length) log(`${appName}: rules added (${added.join(', ')})`);
  if (present.length) log(`${appName}: rules already there (${present.join(', ')})`);
  return outcome;
}
