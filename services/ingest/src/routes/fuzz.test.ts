// A fuzzer over every public route (issue 14), driven by the OpenAPI document:
// hostile path params, query strings, JSON bodies made from each schema and
// mutated, and bad content types and encodings. No answer may be a 5xx, and
// every answer must come within ANSWER_WITHIN_MS. Fixed seed and run count:
// a failure names the input, and the same run finds it again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { startTestIngest, createTenant, type Tenant } from '../testing/harness';
import { goldenBatch } from '../testing/two-tenants';
import { bodyBytes, encodeSegment, fromSchema, hostileHeaders, hostileJson, hostileString, mutated, type JsonSchema } from '../testing/hostile-inputs';

const SEED = 14;
const RUNS_PER_OPERATION = 40;
const ANSWER_WITHIN_MS = 5_000;

interface Parameter { in: string; name: string; required?: boolean; schema?: JsonSchema }
interface Operation { name: string; method: string; path: string; params: Parameter[]; body?: JsonSchema }
interface Finding { operation: string; status: number | 'no answer'; request: InjectOptions; answer: string }

/**
 * 5xx whose cause lies in code this suite's author does not own (decode/*,
 * queries/*, the sample writer, the error handler): reported, not hidden.
 * Each is skipped in the main test and re-run as a todo test with its reproducer.
 */
export const KNOWN_FINDINGS: { name: string; matches: (f: Finding) => boolean; reproduce: InjectOptions }[] = [];

// The document /docs serves (app.swagger() is decorated inside the ingest plugin's context, not on the root).
async function operationsOf(app: FastifyInstance): Promise<{ operations: Operation[]; components: Record<string, JsonSchema> }> {
  const doc = (await app.inject({ url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({
      name: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      params: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );
  return { operations, components: doc.components?.schemas ?? {} };
}

const TIMES = fc.constantFrom('8.64e15', '8640000000000001', '-8640000000000001', '1e400', '99999999999999999999', '0', '-1', '2026-13-45', '+275760-09-13T00:00:00.000Z', '1970-01-01T00:00:00Z');

// from/to are free-form strings in the schema; a valid one is a recent time as ms or ISO.
const VALID_TIMES = fc.integer({ min: -30 * 86_400_000, max: 0 }).chain((ago) => fc.constantFrom(String(Date.now() + ago), new Date(Date.now() + ago).toISOString()));

type Part = 'path' | 'query' | 'body' | 'headers' | 'auth';

// Mostly one hostile part in an otherwise valid request, so the hostile value
// gets past authentication and the other checks to the code it aims at.
const HOSTILE_PARTS: fc.Arbitrary<Part[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Part[]>([]) },
  { weight: 7, arbitrary: fc.constantFrom<Part>('path', 'query', 'query', 'body', 'body', 'headers', 'auth').map((p) => [p]) },
  { weight: 2, arbitrary: fc.subarray<Part>(['path', 'query', 'body', 'headers', 'auth'], { minLength: 2 }) },
);

function queryString(values: Record<string, unknown>, extra?: [string, string] | null): string {
  const pairs = Object.entries(values).flatMap(([k, v]) => [v].flat().map((x) => `${encodeSegment(k)}=${encodeSegment(String(x))}`));
  if (extra) pairs.push(`${encodeSegment(extra[0])}=${encodeSegment(extra[1])}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

function requestOf(op: Operation, components: Record<string, JsonSchema>, known: Record<string, string>, apiKey: string): fc.Arbitrary<InjectOptions> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const validSegment = (p: Parameter) => (known[p.name] ? fc.constant(known[p.name]!) : (fromSchema(p.schema ?? {}, components) as fc.Arbitrary<string>));
  const hostileSegment = hostileString.chain((v) => (/^[\x21-\x7e]+$/.test(v) && !/[?#%]/.test(v) ? fc.constantFrom(encodeSegment(v), v) : fc.constant(encodeSegment(v))));
  const fill = (values: string[]) => {
    let i = 0;
    return op.path.replace(/\{\w+\}/g, () => values[i++]!);
  };
  const validPath = fc.tuple(...pathParams.map((p) => validSegment(p).map(encodeSegment))).map(fill);
  const hostilePath = fc.tuple(...pathParams.map((p) => fc.oneof(validSegment(p).map(encodeSegment), hostileSegment))).map(fill);

  const queryParams = op.params.filter((p) => p.in === 'query');
  const validValue = (p: Parameter) => (/^(from|to)$/.test(p.name) ? VALID_TIMES : fromSchema(p.schema ?? {}, components));
  const validQuery = fc
    .record(Object.fromEntries(queryParams.map((p) => [p.name, validValue(p)])), { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) })
    .map((values) => queryString(values));
  const hostileValue = (p: Parameter) =>
    fc.oneof(validValue(p), hostileString, /^(from|to)$/.test(p.name) ? TIMES : hostileString, fc.array(hostileString, { minLength: 2, maxLength: 3 }));
  const hostileQuery = fc
    .tuple(fc.record(Object.fromEntries(queryParams.map((p) => [p.name, hostileValue(p)])), { requiredKeys: [] }), fc.option(fc.tuple(hostileString, hostileString), { freq: 3 }))
    .map(([values, extra]) => queryString(values, extra));

  const hasBody = !['GET', 'HEAD'].includes(op.method);
  const validJson = op.body ? fromSchema(op.body, components) : fc.constant(undefined);
  const validBody = hasBody && op.body ? validJson.map((v) => JSON.stringify(v)) : fc.constant(undefined);
  const hostileBody = hasBody ? bodyBytes(op.body ? mutated(validJson) : hostileJson) : fc.constant(undefined);
  const badAuth = fc.constantFrom('', 'Bearer msk_nope', `Bearer ${'a'.repeat(10_000)}`, 'Basic Zm9vOmJhcg==', `Bearer ${apiKey}\u0000`, `bearer  ${apiKey} x`);

  return fc
    .record({ hostile: HOSTILE_PARTS, validPath, hostilePath, validQuery, hostileQuery, validBody, hostileBody, headers: hostileHeaders, badAuth })
    .map((r) => {
      const is = (part: Part) => r.hostile.includes(part);
      const body = is('body') ? r.hostileBody : r.validBody;
      const headers: Record<string, string> = is('headers') ? { ...r.headers } : body === undefined ? {} : { 'content-type': 'application/json' };
      const auth = is('auth') ? r.badAuth : `Bearer ${apiKey}`;
      if (auth) headers.authorization = auth;
      if (body === undefined) delete headers['content-encoding'];
      const url = (is('path') ? r.hostilePath : r.validPath) + (is('query') ? r.hostileQuery : r.validQuery);
      return { method: op.method as InjectOptions['method'], url, headers, ...(body === undefined ? {} : { payload: body }) };
    });
}

async function answerWithin(app: FastifyInstance, request: InjectOptions): Promise<{ status: number | 'no answer'; body: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS)));
  try {
    const res = await Promise.race([app.inject(request), late]);
    return res === 'late' ? { status: 'no answer', body: '' } : { status: res.statusCode, body: res.body.slice(0, 500) };
  } finally {
    clearTimeout(timer);
  }
}

const seedOf = (name: string) => SEED ^ createHash('sha256').update(name).digest().readInt32LE(0);
const cut = (v: unknown) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…(${v.length} chars)` : v);
const shown = (f: Finding) => `${f.operation} → ${f.status}: ${JSON.stringify({ ...f.request, url: cut(f.request.url), payload: cut(f.request.payload) })} ${f.answer}`;

describe('route fuzzer', () => {
  let app: FastifyInstance;
  let tenant: Tenant;
  const known: Record<string, string> = {};

  before(async () => {
    tenant = await createTenant('fuzz');
    ({ app } = await startTestIngest({ rollupIntervalSeconds: 0, socketAdapter: 'local' }));
    const res = await app.inject({ method: 'POST', url: '/v1/ingest', headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' }, payload: JSON.stringify(goldenBatch('fuzz-instance-1', 'fuzz-app', Date.now())) });
    assert.equal(res.statusCode, 200, res.body);
    const { rows } = await tenant.pool.query('SELECT id::text AS "instanceId", app_id AS "appId" FROM instances WHERE project_id = $1', [tenant.projectId]);
    Object.assign(known, rows[0]);
  });
  after(async () => {
    await app?.close();
    await tenant?.cleanup();
  });

  test(`every operation answers below 500 within ${ANSWER_WITHIN_MS} ms (${RUNS_PER_OPERATION} runs each, seed ${SEED})`, { timeout: 180_000 }, async () => {
    const { operations, components } = await operationsOf(app);
    assert.ok(operations.length >= 40, `operations in the OpenAPI document: ${operations.length}`);
    const findings: Finding[] = [];
    for (const op of operations) {
      const arb = requestOf(op, components, known, tenant.apiKey);
      await fc.assert(
        fc.asyncProperty(arb, async (request) => {
          const { status, body } = await answerWithin(app, request);
          if (status === 'no answer' || status >= 500) findings.push({ operation: op.name, status, request, answer: body });
        }),
        { seed: seedOf(op.name), numRuns: RUNS_PER_OPERATION },
      );
    }
    const unknown = findings.filter((f) => !KNOWN_FINDINGS.some((k) => k.matches(f)));
    assert.deepEqual(unknown.map(shown), []);
  });

  // What seed 99 found: POST /v1/ingest with a key and nothing else reached the decoder without a body.
  test('every operation answers a bare request (a key, no body, no content type) below 500', async () => {
    const { operations } = await operationsOf(app);
    const bare: string[] = [];
    for (const op of operations) {
      const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => known[name] ?? '1');
      const { status } = await answerWithin(app, { method: op.method as InjectOptions['method'], url, headers: { authorization: `Bearer ${tenant.apiKey}` } });
      if (status === 'no answer' || status >= 500) bare.push(`${op.name} → ${status}`);
    }
    assert.deepEqual(bare, []);
  });

  for (const finding of KNOWN_FINDINGS) {
    test(`known finding: ${finding.name}`, { todo: finding.name }, async () => {
      const { status } = await answerWithin(app, finding.reproduce);
      assert.ok(status !== 'no answer' && status < 500, `still answers ${status}`);
    });
  }
});
