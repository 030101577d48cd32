// Turns the contract checker's errors into a 400 an agent's author can act
// on: the field by name (`instance.pid`, `samples[3].ts`) and, for the bounds
// that exist because of PostgreSQL, why the bound is there.
import { LABEL_KEY_PATTERN, MAX_EPOCH_MILLIS, MAX_INT4, MAX_SAFE_INT8, STORABLE_TEXT_PATTERN } from '@memsight/contracts';

export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: object;
  message: string;
}

export interface SchemaProblem {
  /** JSON pointer, as the checker reports it. */
  path: string;
  /** The same place as a field path: `instance.labels.env`, `snapshots[0].sites[2].site`. */
  field: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `/instance/labels/env` → `instance.labels.env`, `/samples/3/ts` → `samples[3].ts`, `/` → `the body`. */
export function fieldPath(pointer: string): string {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let field = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) field += `[${s}]`;
    else if (IDENTIFIER.test(s)) field += field === '' ? s : `.${s}`;
    else field += `[${JSON.stringify(s)}]`;
  }
  return field === '' ? 'the body' : field;
}

function explain(e: SchemaError, field: string): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'pattern' && params.pattern === STORABLE_TEXT_PATTERN) {
    return 'contains U+0000 or an unpaired UTF-16 surrogate, which PostgreSQL cannot store; remove it (or send U+FFFD instead)';
  }
  if (e.keyword === 'maximum') {
    if (params.limit === MAX_INT4) return `must be at most ${MAX_INT4} (it is stored as a 32-bit integer)`;
    if (params.limit === MAX_SAFE_INT8) return `must be at most ${MAX_SAFE_INT8} (2^53-1: larger JSON integers lose digits when parsed)`;
    if (params.limit === MAX_EPOCH_MILLIS) return `must be at most ${MAX_EPOCH_MILLIS} (year 275760); send Unix time in milliseconds`;
  }
  if (e.keyword === 'minimum' && params.limit === -MAX_SAFE_INT8) {
    return `must be at least ${-MAX_SAFE_INT8} (larger JSON integers lose digits when parsed)`;
  }
  if (e.keyword === 'additionalProperties') {
    const keys = (params.additionalProperties as string[] | undefined) ?? [];
    const names = keys.map((k) => JSON.stringify(k)).join(', ');
    if (field.endsWith('labels')) return `has label key ${names}: label keys must match ${LABEL_KEY_PATTERN} and values are strings`;
    return `has unknown field ${names}`;
  }
  return e.message;
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length;
}

// Said by a union or a closed object as a whole, not by the field itself.
const GENERIC = new Set(['anyOf', 'oneOf', 'const', 'type']);

/**
 * The errors as problems, the one to tell first at the front. Inside a union
 * (a snapshot is one of two kinds) the checker reports every branch's
 * complaints; the deepest specific one is usually the branch the batch meant.
 */
export function describeSchemaErrors(errors: SchemaError[], limit = 20): SchemaProblem[] {
  const problems = errors
    // `schema is false` repeats an additionalProperties error one level down.
    .filter((e) => e.keyword !== 'boolean')
    .slice(0, 100)
    .map((e) => {
      const field = fieldPath(e.instancePath);
      return { path: e.instancePath || '/', field, message: explain(e, field), generic: GENERIC.has(e.keyword), depth: depth(e.instancePath) };
    });
  const first = [...problems].sort((a, b) => Number(a.generic) - Number(b.generic) || b.depth - a.depth)[0];
  const ordered = first ? [first, ...problems.filter((p) => p !== first)] : problems;
  return ordered.slice(0, limit).map(({ path, field, message }) => ({ path, field, message }));
}
