// Alert kinds and their rules. Every alert has exactly one kind from ALERT_KINDS.
// Each kind's params schema carries its defaults: a rule stores only what it
// overrides, and the alerter fills the rest from here, so ingest (which
// validates rules) and the alerter (which runs them) agree on one set.
import { Type, type Static, type TObject } from 'typebox';

import { ALERT_KINDS, SEVERITIES, type AlertKind, type Severity } from './names';

export { ALERT_KINDS, SEVERITIES, type AlertKind, type Severity };
export const AlertKindSchema = Type.Enum(ALERT_KINDS);

export const SeveritySchema = Type.Enum(SEVERITIES);

const Seconds = (def: number, min: number, max: number, description: string) =>
  Type.Integer({ default: def, minimum: min, maximum: max, description });
const MAX_WINDOW = 6 * 3600;
const MIB = 1024 * 1024;

/** Where the detectors look: how far back, how much data they need, how long after a process start they stay quiet. */
const windowParams = (windowSeconds: number, minSpanSeconds: number, warmupSeconds: number) => ({
  windowSeconds: Seconds(windowSeconds, 10, MAX_WINDOW, 'How far back the detector looks.'),
  minSpanSeconds: Seconds(minSpanSeconds, 5, MAX_WINDOW, 'Least data (from oldest to newest point) before it decides anything.'),
  warmupSeconds: Seconds(warmupSeconds, 0, MAX_WINDOW, 'Data this soon after the process started is ignored (caches filling, imports, JIT).'),
});

export const LeakParams = Type.Object(
  {
    ...windowParams(7200, 900, 180),
    minRateBytesPerHour: Type.Number({ default: 2 * MIB, minimum: 0, description: 'Growth slower than this is not a leak, whatever its significance.' }),
    minRelativeRatePerHour: Type.Number({ default: 0.01, minimum: 0, maximum: 10, description: 'Growth must also be at least this fraction of the current level per hour.' }),
    minConfidence: Type.Number({ default: 0.99, minimum: 0.5, maximum: 0.999999, description: 'Mann-Kendall confidence that the floor rises.' }),
  },
  { additionalProperties: false },
);

export const TimeToLimitParams = Type.Object(
  {
    ...windowParams(7200, 900, 180),
    horizonSeconds: Seconds(86400, 60, 30 * 86400, 'Fire when the limit is predicted within this time.'),
    limitBytes: Type.Optional(Type.Integer({ minimum: 1, description: 'A memory limit of your own for RSS, used besides the cgroup and V8 heap limits.' })),
    minConfidence: Type.Number({ default: 0.95, minimum: 0.5, maximum: 0.999999 }),
  },
  { additionalProperties: false },
);

export const FragmentationParams = Type.Object(
  {
    ...windowParams(1800, 900, 300),
    minRatio: Type.Number({ default: 0.4, minimum: 0.05, maximum: 0.99, description: 'Share of the allocator memory held but not in use.' }),
    minWastedBytes: Type.Number({ default: 32 * MIB, minimum: 0, description: 'Held-but-unused memory below this is not worth an alert.' }),
    minRssBytes: Type.Number({ default: 64 * MIB, minimum: 0, description: 'Only processes at least this large.' }),
  },
  { additionalProperties: false },
);

export const ResourceLeakParams = Type.Object(
  {
    ...windowParams(3600, 900, 180),
    minRatePerHour: Type.Number({ default: 20, minimum: 0, description: 'Growth in descriptors, threads or handles per hour.' }),
    minIncrease: Type.Number({ default: 10, minimum: 1, description: 'Least total growth over the window.' }),
    minConfidence: Type.Number({ default: 0.99, minimum: 0.5, maximum: 0.999999 }),
  },
  { additionalProperties: false },
);

export const GcParams = Type.Object(
  {
    ...windowParams(600, 120, 60),
    maxPauseFraction: Type.Number({ default: 0.1, minimum: 0.001, maximum: 1, description: 'Share of wall time spent paused in GC.' }),
    maxFullCollectionsPerMinute: Type.Number({ default: 6, minimum: 0.1, description: 'Full (oldest-generation, major) collections per minute that make a storm.' }),
    minContainerGrowth: Type.Number({ default: 10000, minimum: 1, description: 'With automatic GC disabled: tracked container objects allocated and not collected.' }),
  },
  { additionalProperties: false },
);

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

export const ThresholdParams = Type.Object(
  {
    metric: Type.String({ minLength: 1, maxLength: 200, description: 'A metric of the catalogue, with its attributes: process.open_fds{kind=socket}.' }),
    op: Type.Enum(COMPARISONS, { default: '>' }),
    value: Type.Number(),
  },
  { additionalProperties: false },
);

// Data loss: the agent's own memsight.agent.dropped_samples counter rose within
// the window. Loss has already happened when it is seen, so there is no warm-up
// and no least span: one dropped sample is one too many by default.
export const DataLossParams = Type.Object(
  {
    windowSeconds: Seconds(600, 60, MAX_WINDOW, 'How far back the detector looks for drops; the alert resolves once a window passes without any.'),
    minDropped: Type.Integer({ default: 1, minimum: 1, description: 'Fewest samples dropped within the window that raise the alert.' }),
  },
  { additionalProperties: false },
);

export const RULE_PARAMS = {
  leak: LeakParams,
  'time-to-limit': TimeToLimitParams,
  fragmentation: FragmentationParams,
  'resource-leak': ResourceLeakParams,
  gc: GcParams,
  threshold: ThresholdParams,
  'data-loss': DataLossParams,
} as const satisfies Record<AlertKind, TObject>;

/** Defaults of a rule besides its params: how long a condition must hold before it fires, and how bad it is. */
/** `keepFiringForSeconds`: how long a firing alert's condition must stay clear before it resolves (Prometheus' keep_firing_for), so an alert at its edge does not flap. */
export const RULE_DEFAULTS: Record<AlertKind, { forSeconds: number; keepFiringForSeconds: number; severity: Severity; name: string }> = {
  leak: { forSeconds: 300, keepFiringForSeconds: 300, severity: 'warning', name: 'Memory leak' },
  'time-to-limit': { forSeconds: 300, keepFiringForSeconds: 300, severity: 'critical', name: 'Memory limit ahead' },
  fragmentation: { forSeconds: 900, keepFiringForSeconds: 300, severity: 'warning', name: 'Memory fragmentation' },
  'resource-leak': { forSeconds: 300, keepFiringForSeconds: 300, severity: 'warning', name: 'Resource leak' },
  gc: { forSeconds: 300, keepFiringForSeconds: 120, severity: 'warning', name: 'Garbage collection' },
  threshold: { forSeconds: 0, keepFiringForSeconds: 0, severity: 'warning', name: 'Threshold' },
  'data-loss': { forSeconds: 0, keepFiringForSeconds: 0, severity: 'warning', name: 'Agent data loss' },
};

export type LeakParams = Static<typeof LeakParams>;
export type TimeToLimitParams = Static<typeof TimeToLimitParams>;
export type FragmentationParams = Static<typeof FragmentationParams>;
export type ResourceLeakParams = Static<typeof ResourceLeakParams>;
export type GcParams = Static<typeof GcParams>;
export type ThresholdParams = Static<typeof ThresholdParams>;
export type DataLossParams = Static<typeof DataLossParams>;
export type RuleParams = {
  leak: LeakParams;
  'time-to-limit': TimeToLimitParams;
  fragmentation: FragmentationParams;
  'resource-leak': ResourceLeakParams;
  gc: GcParams;
  threshold: ThresholdParams;
  'data-loss': DataLossParams;
};

const IsoTime = Type.String({ format: 'date-time' });
const InstanceId = Type.String({ pattern: '^[0-9]{1,18}$', description: 'Server-side instance id (decimal string).' });

export const AlertRule = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: AlertKindSchema,
    appId: Type.Union([Type.String(), Type.Null()], { description: 'null: every app of the project.' }),
    instanceId: Type.Union([Type.String(), Type.Null()], { description: 'null: every instance in scope.' }),
    enabled: Type.Boolean(),
    severity: SeveritySchema,
    forSeconds: Type.Integer({ description: 'How long the condition must hold before the alert fires.' }),
    keepFiringForSeconds: Type.Integer({ description: 'How long the condition must stay clear before a firing alert resolves.' }),
    params: Type.Record(Type.String(), Type.Unknown(), { description: "The kind's params; what a rule leaves out takes the default." }),
    builtin: Type.Boolean({ description: "The project's default rule of its kind: it can be changed or disabled, not deleted." }),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { $id: 'AlertRule' },
);
export type AlertRule = Static<typeof AlertRule>;
export const AlertRuleList = Type.Object({ rules: Type.Array(AlertRule) }, { $id: 'AlertRuleList' });
export type AlertRuleList = Static<typeof AlertRuleList>;

/** What a rule's owner may set, on create and on update: every field optional, defaults from RULE_DEFAULTS. */
const settableRuleFields = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  enabled: Type.Optional(Type.Boolean()),
  severity: Type.Optional(SeveritySchema),
  forSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86400 })),
  keepFiringForSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

export const CreateAlertRule = Type.Object(
  {
    kind: AlertKindSchema,
    appId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    instanceId: Type.Optional(Type.Union([InstanceId, Type.Null()])),
    ...settableRuleFields,
  },
  { additionalProperties: false, $id: 'CreateAlertRule' },
);
export type CreateAlertRule = Static<typeof CreateAlertRule>;

/** Kind and scope are fixed once a rule exists: another kind or scope is another rule. */
export const UpdateAlertRule = Type.Object(settableRuleFields, { additionalProperties: false, $id: 'UpdateAlertRule' });
export type UpdateAlertRule = Static<typeof UpdateAlertRule>;
