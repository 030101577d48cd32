// Threshold: the classic rule, `metric op value` on the newest reading of any
// catalogue metric. How long it must hold is the lifecycle's `for`.
import { describeMetric, type Comparison, type ThresholdParams } from '@memsight/contracts';
import { formatBytes, formatCount, formatPercent } from './format';
import type { Detector } from './types';

function holds(v: number, op: Comparison, limit: number): boolean {
  switch (op) {
    case '>':
      return v > limit;
    case '>=':
      return v >= limit;
    case '<':
      return v < limit;
    case '<=':
      return v <= limit;
    case '==':
      return v === limit;
    case '!=':
      return v !== limit;
  }
}

function formatValue(metric: string, v: number): string {
  const unit = describeMetric(metric)?.unit;
  if (unit === 'By') return formatBytes(v);
  if (unit === '1' && Math.abs(v) <= 1) return formatPercent(v);
  if (unit === 's') return `${v < 1 ? (v * 1000).toFixed(1) + ' ms' : v.toFixed(1) + ' s'}`;
  return formatCount(v);
}

export const threshold: Detector<ThresholdParams> = (view, p) => {
  const v = view.latest(p.metric);
  if (v === undefined) return undefined;
  if (!holds(v, p.op, p.value)) return null;
  return {
    summary: `${p.metric} is ${formatValue(p.metric, v)} (${p.op} ${formatValue(p.metric, p.value)})`,
    metric: p.metric,
    value: v,
    evidence: {
      nextStep: `The instance's ${p.metric} chart shows when it crossed ${formatValue(p.metric, p.value)}; change the rule's value if this level is normal for the app.`,
      metric: p.metric,
      level: v,
    },
  };
};
