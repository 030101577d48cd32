// Checks a rule's params against its kind: the schema, then what a schema
// cannot say (a window shorter than the data it needs, a metric outside the
// catalogue). Ingest refuses a bad rule with these problems; the alerter reads
// rules through the same function, so a rule it runs always has every default.
import { Value } from 'typebox/value';
import { RULE_PARAMS, type AlertKind, type RuleParams } from './alert-rules';
import { describeMetric } from './metric-catalogue';
import { METRIC_NAME_PATTERN } from './wire';

export interface RuleProblem {
  path: string;
  message: string;
}

export type RuleParamsCheck<K extends AlertKind> = { ok: true; params: RuleParams[K] } | { ok: false; problems: RuleProblem[] };

const namePattern = new RegExp(METRIC_NAME_PATTERN);

function thresholdMetricProblems(metric: string): RuleProblem[] {
  const path = '/params/metric';
  if (!namePattern.test(metric)) {
    return [{ path, message: `"${metric}" is not a metric name: write name or name{key=value}, e.g. process.open_fds{kind=socket}.` }];
  }
  const def = describeMetric(metric);
  if (!def) return [{ path, message: `"${metric}" is not in the metric catalogue. GET /docs lists the catalogue's metrics.` }];
  const brace = metric.indexOf('{');
  if (brace === -1) return [];
  const keys = metric.slice(brace + 1, -1).split(',').map((pair) => pair.split('=')[0]!);
  const unknown = keys.filter((k) => !(def.attributes ?? []).includes(k));
  if (unknown.length === 0) return [];
  const allowed = def.attributes?.length ? `its attributes are ${def.attributes.join(', ')}` : 'it has no attributes';
  return [{ path, message: `${def.name} has no attribute ${unknown.join(', ')}: ${allowed}.` }];
}

function crossFieldProblems(params: Record<string, unknown>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const { windowSeconds, minSpanSeconds } = params as { windowSeconds?: number; minSpanSeconds?: number };
  if (windowSeconds !== undefined && minSpanSeconds !== undefined && minSpanSeconds > windowSeconds) {
    problems.push({ path: '/params/minSpanSeconds', message: `must not be longer than windowSeconds (${windowSeconds}): the window could never hold that much data.` });
  }
  return problems;
}

/** The params with every default filled in, or the problems, each naming its field. */
export function checkRuleParams<K extends AlertKind>(kind: K, params: unknown): RuleParamsCheck<K> {
  const schema = RULE_PARAMS[kind];
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    return { ok: false, problems: [{ path: '/params', message: 'must be an object.' }] };
  }
  const withDefaults = Value.Default(schema as never, structuredClone(params)) as Record<string, unknown>;
  const candidate: unknown = withDefaults; // checked through an alias: Check's type guard would narrow withDefaults itself
  if (!Value.Check(schema as never, candidate)) {
    const errors = [...Value.Errors(schema as never, candidate)].filter((e) => e.message !== 'schema is false');
    const problems = errors.slice(0, 20).map((e) => {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties;
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
      if (extra?.length) return { path: `/params/${extra[0]}`, message: `is not a setting of ${kind} rules; they take ${Object.keys(schema.properties).join(', ')}.` };
      if (missing?.length) return { path: `/params/${missing[0]}`, message: `is required for ${kind} rules.` };
      return { path: `/params${e.instancePath}`, message: e.message };
    });
    return { ok: false, problems };
  }
  const problems = [...crossFieldProblems(withDefaults), ...(kind === 'threshold' ? thresholdMetricProblems(String(withDefaults.metric)) : [])];
  return problems.length ? { ok: false, problems } : { ok: true, params: withDefaults as RuleParams[K] };
}
