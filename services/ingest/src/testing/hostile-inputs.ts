// Hostile requests for the route fuzzer (routes/fuzz.test.ts): values that
// break parsers and range checks, JSON bodies made from an OpenAPI schema and
// then mutated, and the path, query and headers around them.
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
};

/** Strings that have broken servers somewhere: traversal, NUL, lone surrogates, numbers past every range. */
export const NASTY_STRINGS = [
  '', ' ', '0', '-1', '-0', '00', '1.5', '1e308', '1e999', '-1e999', 'NaN', 'Infinity', '0x10',
  '9223372036854775807', '9223372036854775808', '18446744073709551616', '9'.repeat(40), '8.64e15', '8640000000000001', '-8640000000000001',
  '../', '../../etc/passwd', '..%2f..%2f', '%2e%2e%2f', '%00', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83dy', '\u202e', '\ufeff',
  "' OR 1=1 --", '"', '\\', '$1', '{}', '[]', 'null', 'true', '__proto__', 'constructor', 'toString',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '2026-02-30T25:61:61Z', '+275760-09-13T00:00:00.001Z', '-271821-04-19T23:59:59.999Z',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.constantFrom(10_000, 100_000).map((n) => 'x'.repeat(n)) },
);

const NASTY_NUMBERS = [1e308, -1e308, -0, 2 ** 63, -(2 ** 63), 2 ** 53 + 1, 5e-324, 8.64e15 + 1, -8.64e15 - 1, 0.1, 1.5, -1];

export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...NASTY_NUMBERS, null, true, false, [], {}, [null], JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: 1 } }),
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  // Deeper nesting goes as raw text (bodyBytes): JSON.stringify itself would overflow the stack here.
  fc.integer({ min: 50, max: 500 }).map((depth) => deepArray(depth)),
);

function deepArray(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) s = components[s.$ref.split('/').at(-1)!] ?? {};
  return s;
}

/** A value the schema accepts (mostly: patterns and formats are approximated). */
export function fromSchema(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union?.length) return fc.oneof(...union.map((u) => fromSchema(u, components, depth + 1)));
  if (s.allOf?.length) return fromSchema(s.allOf[0]!, components, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of props) record[key] = fromSchema(sub, components, depth + 1);
      return fc.record(record, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
    }
    case 'array':
      return fc.array(fromSchema(s.items ?? {}, components, depth + 1), { maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1e6, -(2 ** 31)), max: Math.min(s.maximum ?? 1e6, 2 ** 31) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: s.minimum ?? -1e9, max: s.maximum ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringFor(s);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'email') return fc.emailAddress();
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 1000));
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 20, 20) });
}

/** Every place in a JSON value, as a key path (the root is []). */
function places(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (value && typeof value === 'object' && out.length < 200) {
    for (const [k, v] of Object.entries(value)) places(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}

function replaceAt(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = replaceAt(copy[path[0]!], path.slice(1), next);
  return copy;
}

/** A valid value with one place replaced by a hostile one, or a field added, or left alone. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), hostileJson, fc.constantFrom('replace', 'replace', 'extra', 'keep'), hostileString).map(([v, n, hostile, how, key]) => {
    const all = places(v);
    const path = all[n % all.length]!;
    if (how === 'keep') return v;
    if (how === 'replace') return replaceAt(v, path, hostile);
    return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as object), [key]: hostile } : replaceAt(v, path, hostile);
  });
}

/** A body as bytes: JSON of a value, or something that is not JSON at all. */
export function bodyBytes(value: fc.Arbitrary<unknown>): fc.Arbitrary<string | Buffer | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.constantFrom<string | Buffer | undefined>(undefined, '', '{', '[1,]', '{"a":NaN}', '\u0000', Buffer.from([0xff, 0xfe, 0x00]), Buffer.from([0x1f, 0x8b, 0x08, 0, 0])) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  );
}

export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=nonsense', '*/*', 'application/octet-stream'),
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'zstd', 'gzip, gzip', 'identity', 'x-bogus', ''),
    accept: fc.constantFrom('*/*', 'text/csv', 'application/xml', 'nonsense'),
  },
  { requiredKeys: [] },
);

/** Percent-encodes bytes as UTF-8 would send them (lone surrogates become U+FFFD, as on the wire). */
export function encodeSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
}
