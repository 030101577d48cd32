// Which rules apply to an instance. Each detector kind runs once per instance,
// under its most specific rule: one naming the instance beats one naming its
// app, which beats a project-wide one, which beats the project's default
// (builtin) rule. A disabled winner switches that detector off in its scope.
// Threshold rules are not overrides of each other: every enabled one applies.
import { checkRuleParams, type AlertKind, type RuleParams } from '@memsight/contracts';
import type { RuleRow } from '../queries/list-rules';

export interface EffectiveRule extends RuleRow {
  /** Params with every default filled in; windows cut to the alerter's history. */
  checked: RuleParams[AlertKind];
}

export interface RuleScope {
  id: string;
  projectId: string;
  appId: string;
}

function specificity(rule: RuleRow): number {
  if (rule.instanceId) return 3;
  if (rule.appId) return 2;
  return rule.builtin ? 0 : 1;
}

export class RuleIndex {
  private readonly byProject = new Map<string, EffectiveRule[]>();
  /** Rules whose stored params no longer pass the checks (written by hand in SQL): skipped, reported once. */
  readonly invalid: { rule: RuleRow; message: string }[] = [];

  constructor(rules: RuleRow[], historySeconds: number) {
    for (const rule of rules) {
      const check = checkRuleParams(rule.kind, rule.params ?? {});
      if (!check.ok) {
        this.invalid.push({ rule, message: check.problems.map((p) => `${p.path} ${p.message}`).join('; ') });
        continue;
      }
      const checked = { ...check.params } as Record<string, unknown>;
      if (typeof checked.windowSeconds === 'number') checked.windowSeconds = Math.min(checked.windowSeconds, historySeconds);
      if (typeof checked.minSpanSeconds === 'number') checked.minSpanSeconds = Math.min(checked.minSpanSeconds, checked.windowSeconds as number);
      const list = this.byProject.get(rule.projectId) ?? [];
      list.push({ ...rule, checked: checked as RuleParams[AlertKind] });
      this.byProject.set(rule.projectId, list);
    }
  }

  /** The rules to evaluate for one instance. */
  forInstance(scope: RuleScope): EffectiveRule[] {
    const winners = new Map<AlertKind, EffectiveRule>();
    const thresholds: EffectiveRule[] = [];
    for (const rule of this.byProject.get(scope.projectId) ?? []) {
      if (rule.appId && rule.appId !== scope.appId) continue;
      if (rule.instanceId && rule.instanceId !== scope.id) continue;
      if (rule.kind === 'threshold') {
        if (rule.enabled) thresholds.push(rule);
        continue;
      }
      const current = winners.get(rule.kind);
      if (!current || specificity(rule) > specificity(current)) winners.set(rule.kind, rule);
    }
    return [...[...winners.values()].filter((r) => r.enabled), ...thresholds];
  }
}
