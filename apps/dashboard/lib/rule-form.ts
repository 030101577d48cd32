// The rule editor's fields come from the contract: each kind's TypeBox params
// schema names its settings, their types, defaults, bounds and descriptions,
// so a new setting appears in the form without touching the dashboard. The
// API's field problems (`/params/metric`) come back keyed as the form's
// fields (`params.metric`). Pure.
import { RULE_PARAMS, type AlertKind } from '@memsight/contracts';
import type { FieldProblem } from './api';

export interface ParamField {
  name: string;
  input: 'number' | 'text' | 'select';
  options?: string[];
  defaultValue?: string;
  description?: string;
  min?: number;
  max?: number;
}

interface JsonSchemaish {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

export function paramFields(kind: AlertKind): ParamField[] {
  const props = (RULE_PARAMS[kind] as unknown as { properties: Record<string, JsonSchemaish> }).properties;
  return Object.entries(props).map(([name, s]) => ({
    name,
    input: s.enum ? 'select' : s.type === 'number' || s.type === 'integer' ? 'number' : 'text',
    options: s.enum?.map(String),
    defaultValue: s.default === undefined ? undefined : String(s.default),
    description: s.description,
    min: s.minimum,
    max: s.maximum,
  }));
}

/** The params to send: what the user typed, numbers as numbers; blank fields take the default server-side. */
export function paramsFromForm(kind: AlertKind, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of paramFields(kind)) {
    const raw = values[f.name]?.trim();
    if (!raw) continue;
    out[f.name] = f.input === 'number' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

/** The form's values for a stored rule's params. */
export function formFromParams(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

/** API problems keyed by form field: `/params/metric` → `params.metric`, `/forSeconds` → `forSeconds`; the rest under `form`. */
export function problemsByField(problems: FieldProblem[], fallback: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const key = p.path.replace(/^\//, '').split('/').join('.') || 'form';
    out[key] = out[key] ? `${out[key]}; ${p.message}` : p.message;
  }
  if (Object.keys(out).length === 0) out.form = fallback;
  return out;
}
