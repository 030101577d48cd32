// Agent wire format v1: one POST /v1/ingest body.
//
// Columnar on purpose: metric names are sent once per batch and every sample
// carries only its timestamp and a values array in the same order. That keeps
// bodies small and maps 1:1 onto the samples table (one row per instance and
// timestamp holding a float8[]).
import { Type, type Static } from 'typebox';

export const WIRE_VERSION = 1;

/** `name` or `name{key=value,...}`, e.g. `cpython.gc.collections{generation=0}`. */
export const METRIC_NAME_PATTERN =
  '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*(\\{[a-z_][a-z0-9_.]*=[A-Za-z0-9_.:-]+(,[a-z_][a-z0-9_.]*=[A-Za-z0-9_.:-]+)*\\})?$';

export const MAX_METRICS_PER_BATCH = 512;
export const MAX_SAMPLES_PER_BATCH = 10_000;
// Prometheus label names, plus `/` and up to 128 characters, so Kubernetes'
// prefixed keys (`app.kubernetes.io/name`) pass as they are.
export const LABEL_KEY_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_./-]{0,127}$';
export const MAX_LABELS = 32;
export const MAX_LABEL_VALUE_LENGTH = 256;

// Every bound below is what the PostgreSQL column behind the field can hold,
// so a batch that validates cannot fail inside the group commit and take the
// other batches of its group down with it (issue 14).

/** Text PostgreSQL stores: no U+0000 (text and jsonb refuse it) and no unpaired UTF-16 surrogate (jsonb refuses `\ud800`). */
export const STORABLE_TEXT_PATTERN = '^(?:[^\\u0000\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*$';
/** int4 columns (instances.pid). */
export const MAX_INT4 = 2_147_483_647;
/**
 * int8 columns hold up to 2^63-1, but a JSON number above 2^53 has already
 * lost digits when it is parsed (two seqs could collapse into one), so int8
 * fields stop at Number.MAX_SAFE_INTEGER.
 */
export const MAX_SAFE_INT8 = Number.MAX_SAFE_INTEGER;
/** The last millisecond a JS Date holds (year 275760); timestamptz goes a little further. */
export const MAX_EPOCH_MILLIS = 8.64e15;

const EpochMillis = Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MILLIS, description: 'Unix time in milliseconds' });
const Count = (description?: string) => Type.Integer({ minimum: 0, maximum: MAX_SAFE_INT8, ...(description ? { description } : {}) });
const StorableText = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength, pattern: STORABLE_TEXT_PATTERN });
const ShortText = (max: number) => StorableText(max, 1);

export const AgentIdentity = Type.Object(
  {
    name: ShortText(64),
    version: ShortText(64),
  },
  { additionalProperties: false },
);

export const InstanceIdentity = Type.Object(
  {
    id: Type.String({
      minLength: 8,
      maxLength: 64,
      pattern: '^[A-Za-z0-9._:-]+$',
      description: 'Minted by the agent for each process; a forked child mints a new one.',
    }),
    app: ShortText(128),
    appVersion: Type.Optional(ShortText(128)),
    host: ShortText(255),
    pid: Type.Integer({ minimum: 0, maximum: MAX_INT4 }),
    runtime: Type.Union([Type.Literal('cpython'), Type.Literal('node')]),
    runtimeVersion: ShortText(64),
    // The process's start, not the agent's: a leak's age is the process's.
    startedAt: EpochMillis,
    // gunicorn:<pid> or gunicorn:master, uwsgi:<n>; a Node cluster or PM2 worker.
    worker: Type.Optional(ShortText(64)),
    memoryLimitBytes: Type.Optional(Type.Union([Count(), Type.Null()])),
    // Closed: a key that fails the pattern is refused, not let through holding
    // anything (a 10,000-level array once hung the decode worker). Values fit
    // k8s label values (63), versions and git SHAs.
    labels: Type.Optional(
      Type.Record(Type.String({ pattern: LABEL_KEY_PATTERN }), StorableText(MAX_LABEL_VALUE_LENGTH), {
        maxProperties: MAX_LABELS,
        additionalProperties: false,
      }),
    ),
  },
  { additionalProperties: false },
);

export const Sample = Type.Object(
  {
    ts: EpochMillis,
    // null = the agent could not read that metric this tick (collectors fail soft).
    values: Type.Array(Type.Union([Type.Number(), Type.Null()]), { maxItems: MAX_METRICS_PER_BATCH }),
  },
  { additionalProperties: false },
);

export const AllocationSite = Type.Object(
  {
    site: ShortText(512),
    sizeBytes: Type.Number({ minimum: 0 }),
    count: Count(),
    growthBytes: Type.Optional(Type.Number()),
    traceback: Type.Optional(Type.Array(StorableText(512), { maxItems: 32 })),
  },
  { additionalProperties: false },
);

export const TypeCount = Type.Object(
  {
    type: ShortText(256),
    count: Count(),
    growth: Type.Optional(Type.Integer({ minimum: -MAX_SAFE_INT8, maximum: MAX_SAFE_INT8 })),
  },
  { additionalProperties: false },
);

export const AllocationSitesSnapshot = Type.Object(
  {
    kind: Type.Literal('allocation_sites'),
    ts: EpochMillis,
    source: Type.Union([Type.Literal('tracemalloc'), Type.Literal('v8-sampling-heap-profiler')]),
    sites: Type.Array(AllocationSite, { maxItems: 200 }),
  },
  { additionalProperties: false },
);

export const TypeCountsSnapshot = Type.Object(
  {
    kind: Type.Literal('type_counts'),
    ts: EpochMillis,
    types: Type.Array(TypeCount, { maxItems: 500 }),
  },
  { additionalProperties: false },
);

export const Snapshot = Type.Union([AllocationSitesSnapshot, TypeCountsSnapshot]);

export const IngestBatch = Type.Object(
  {
    v: Type.Literal(WIRE_VERSION),
    agent: AgentIdentity,
    instance: InstanceIdentity,
    seq: Count('Per-instance batch number; a retry repeats it.'),
    metrics: Type.Array(Type.String({ pattern: METRIC_NAME_PATTERN, maxLength: 200 }), {
      minItems: 1,
      maxItems: MAX_METRICS_PER_BATCH,
      uniqueItems: true,
    }),
    samples: Type.Array(Sample, { maxItems: MAX_SAMPLES_PER_BATCH }),
    snapshots: Type.Optional(Type.Array(Snapshot, { maxItems: 16 })),
    dropped: Type.Optional(Count('Samples the agent dropped from its full buffer since the last batch.')),
  },
  { additionalProperties: false, $id: 'IngestBatch' },
);

export type IngestBatch = Static<typeof IngestBatch>;
export type InstanceIdentity = Static<typeof InstanceIdentity>;
export type Sample = Static<typeof Sample>;
export type Snapshot = Static<typeof Snapshot>;

export const SampleRejectionCode = Type.Union([
  Type.Literal('value_count_mismatch'),
  Type.Literal('non_finite_value'),
  Type.Literal('timestamp_in_future'),
  Type.Literal('timestamp_too_old'),
  Type.Literal('duplicate_timestamp'),
]);

export const IngestResult = Type.Object(
  {
    accepted: Type.Integer({ description: 'Samples stored (or already stored by an earlier try of this batch).' }),
    rejected: Type.Integer(),
    duplicate: Type.Boolean({ description: 'True when this (instance, seq) was stored before: nothing new was written.' }),
    rejections: Type.Array(
      Type.Object({ index: Type.Integer(), code: SampleRejectionCode, message: Type.String() }),
      { description: 'At most 100 listed; `rejected` has the full count.' },
    ),
  },
  { $id: 'IngestResult' },
);
export type IngestResult = Static<typeof IngestResult>;
export type SampleRejectionCode = Static<typeof SampleRejectionCode>;
