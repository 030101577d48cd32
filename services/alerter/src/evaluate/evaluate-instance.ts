// One instance, one round: run each rule's detector on the instance's series,
// pass the verdict through the state machine, and say what to write. No I/O:
// the evaluator reads before and writes after, so this is tested directly.
import { randomUUID } from 'node:crypto';
import type { AlertKind, RuleParams } from '@memsight/contracts';
import type { SeriesView, Verdict } from '../detectors/types';
import { decide } from '../lifecycle/decide';
import type { AlertChange } from '../queries/write-alert-changes';
import type { LiveInstance } from '../queries/list-live-instances';
import type { OpenAlert } from '../queries/list-open-alerts';
import type { OpenAlerts } from './open-alerts';
import type { EffectiveRule, RuleIndex } from './rule-index';

export type DetectFn = (kind: AlertKind, view: SeriesView, params: RuleParams[AlertKind]) => Verdict;

export interface InstanceRound {
  nowMs: number;
  /** fast: threshold rules only, right after samples arrive; full: every rule, and the housekeeping. */
  mode: 'fast' | 'full';
  rules: RuleIndex;
  open: OpenAlerts;
  detect: DetectFn;
  /** Instances silent since before this are gone: their alerts resolve. */
  liveSinceMs: number;
}

const STOPPED = 'The instance stopped reporting.';
const RULE_GONE = 'The rule no longer applies here: it was disabled, deleted or overridden by a more specific rule.';

export function evaluateInstance(inst: LiveInstance, view: SeriesView | undefined, round: InstanceRound): AlertChange[] {
  const changes: AlertChange[] = [];
  const { nowMs } = round;
  if (round.mode === 'full' && inst.lastSeenMs < round.liveSinceMs) {
    for (const alert of round.open.ofInstance(inst.id)) changes.push(resolve(alert, nowMs, STOPPED, round));
    return changes;
  }
  const rules = round.rules.forInstance(inst);
  for (const rule of rules) {
    if (round.mode === 'fast' && rule.kind !== 'threshold') continue;
    const verdict = view ? round.detect(rule.kind, view, rule.checked) : undefined;
    const change = step(inst, rule, verdict, round);
    if (change) changes.push(change);
  }
  if (round.mode === 'full') {
    const applying = new Set(rules.map((r) => r.id));
    for (const alert of round.open.ofInstance(inst.id)) if (!applying.has(alert.ruleId)) changes.push(resolve(alert, nowMs, RULE_GONE, round));
  }
  return changes;
}

function step(inst: LiveInstance, rule: EffectiveRule, verdict: Verdict, round: InstanceRound): AlertChange | undefined {
  const { nowMs } = round;
  const open = round.open.get(rule.id, inst.id);
  const decision = decide(open, verdict, { forMs: rule.forSeconds * 1000, resolveHoldMs: rule.keepFiringForSeconds * 1000, nowMs, kind: rule.kind });
  const figures = verdict
    ? { summary: verdict.summary, metric: verdict.metric, value: verdict.value, evidence: verdict.evidence, severity: verdict.severity ?? rule.severity }
    : undefined;
  switch (decision.action) {
    case 'none':
      return undefined;
    case 'open': {
      const alert: OpenAlert = {
        id: randomUUID(), ruleId: rule.id, instanceId: inst.id, projectId: inst.projectId, appId: inst.appId, kind: rule.kind,
        state: decision.state, severity: figures!.severity, startedAtMs: nowMs, firedAtMs: decision.state === 'firing' ? nowMs : null, clearSinceMs: null,
      };
      round.open.set(alert);
      return { type: 'open', ...alert, atMs: nowMs, ...figures! };
    }
    case 'fire':
      round.open.set({ ...open!, state: 'firing', firedAtMs: nowMs, clearSinceMs: null });
      return { type: 'fire', id: open!.id, projectId: open!.projectId, instanceId: inst.id, kind: rule.kind, atMs: nowMs, ...figures! };
    case 'hold':
      round.open.set({ ...open!, clearSinceMs: decision.clearSinceMs });
      return { type: 'update', id: open!.id, atMs: nowMs, clearSinceMs: decision.clearSinceMs, ...figures };
    case 'resolve':
      return resolve(open!, nowMs, decision.reason, round);
  }
}

function resolve(alert: OpenAlert, nowMs: number, reason: string, round: InstanceRound): AlertChange {
  round.open.delete(alert);
  return { type: 'resolve', id: alert.id, projectId: alert.projectId, from: alert.state, atMs: nowMs, reason };
}
