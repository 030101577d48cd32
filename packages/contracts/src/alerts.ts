// Alerts as the API and the socket.io events show them. The lifecycle follows
// Alertmanager: pending while a condition holds for less than its rule's `for`,
// then firing, then resolved. An alert is one (rule, instance) occurrence.
import { Type, type Static } from 'typebox';
import { AlertKindSchema, SeveritySchema } from './alert-rules';

const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

import { ALERT_STATES, type AlertState } from './names';

export { ALERT_STATES, type AlertState };
export const AlertStateSchema = Type.Enum(ALERT_STATES);

export const Acknowledgement = Type.Object({
  at: IsoTime,
  expiresAt: Nullable(IsoTime),
  comment: Nullable(Type.String()),
});

export const AlertSummary = Type.Object(
  {
    id: Type.String(),
    kind: AlertKindSchema,
    state: AlertStateSchema,
    severity: SeveritySchema,
    ruleId: Type.String(),
    ruleName: Type.String(),
    appId: Type.String(),
    appName: Type.String(),
    instanceId: Type.String(),
    summary: Type.String({ description: 'One line: what, where and how fast.' }),
    metric: Nullable(Type.String({ description: 'The metric the condition was seen on.' })),
    value: Nullable(Type.Number({ description: 'The figure that crossed: a rate in bytes/hour for a leak, seconds to the limit, a ratio, a count.' })),
    startedAt: IsoTime,
    firedAt: Nullable(IsoTime),
    resolvedAt: Nullable(IsoTime),
    lastEvaluatedAt: IsoTime,
    acknowledged: Nullable(Acknowledgement),
    silenced: Type.Boolean({ description: 'A silence matches it now: it is not notified.' }),
    link: Type.String({ description: "Path of the instance page on the dashboard." }),
  },
);
export type AlertSummary = Static<typeof AlertSummary>;

const Points = Type.Object({
  t: Type.Array(Type.Number(), { description: 'unix ms' }),
  v: Type.Array(Type.Number()),
});

/** What a detector saw. Fields depend on the kind; every field is optional except the sentence. */
export const AlertEvidence = Type.Object(
  {
    nextStep: Type.String({ description: 'What to do next, in one sentence.' }),
    where: Type.Optional(Type.Union([Type.Literal('heap'), Type.Literal('native'), Type.Literal('contexts'), Type.Literal('allocator'), Type.Literal('resources'), Type.Literal('gc')])),
    metric: Type.Optional(Type.String()),
    rateBytesPerHour: Type.Optional(Type.Number()),
    ratePerHour: Type.Optional(Type.Number({ description: 'For counts: descriptors, threads, handles per hour.' })),
    confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    growthStartedAt: Type.Optional(IsoTime),
    level: Type.Optional(Type.Number({ description: 'The current floor (bytes) or count.' })),
    forecast: Type.Optional(
      Type.Object({
        limitName: Type.String(),
        limitBytes: Type.Number(),
        at: IsoTime,
        earliest: IsoTime,
        latest: Nullable(IsoTime),
        secondsToLimit: Type.Number(),
      }),
    ),
    series: Type.Optional(Points),
    trend: Type.Optional(Type.Object({ slopePerMs: Type.Number(), intercept: Type.Number(), fromMs: Type.Number() }, { description: 'value = intercept + slopePerMs * (t - fromMs)' })),
    sites: Type.Optional(
      Type.Array(
        Type.Object({
          site: Type.String(),
          sizeBytes: Type.Number(),
          growthBytes: Type.Optional(Type.Number()),
          count: Type.Optional(Type.Number()),
          traceback: Type.Optional(Type.Array(Type.String())),
        }),
      ),
    ),
    types: Type.Optional(Type.Array(Type.Object({ type: Type.String(), count: Type.Number(), growth: Type.Optional(Type.Number()) }))),
    signals: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'Other figures the detector weighed, by name.' })),
  },
);
export type AlertEvidence = Static<typeof AlertEvidence>;

export const AlertTransition = Type.Object(
  {
    id: Type.String({ description: 'Increasing: the cursor of the live feed.' }),
    alertId: Type.String(),
    from: Nullable(AlertStateSchema),
    to: AlertStateSchema,
    at: IsoTime,
    reason: Type.String(),
  },
);
export type AlertTransition = Static<typeof AlertTransition>;

export const AlertDetail = Type.Object(
  { ...AlertSummary.properties, evidence: AlertEvidence, transitions: Type.Array(AlertTransition) },
  { $id: 'AlertDetail' },
);
export type AlertDetail = Static<typeof AlertDetail>;

export const AlertList = Type.Object(
  { alerts: Type.Array(AlertSummary), nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page.' })) },
  { $id: 'AlertList' },
);
export type AlertList = Static<typeof AlertList>;

export const AlertTransitionEvent = Type.Object(
  { cursor: Type.String(), transition: AlertTransition, alert: AlertSummary },
);
export type AlertTransitionEvent = Static<typeof AlertTransitionEvent>;

export const AlertTransitionList = Type.Object(
  { events: Type.Array(AlertTransitionEvent), cursor: Type.String({ description: 'The newest cursor: pass it as `after` next time.' }) },
  { $id: 'AlertTransitionList' },
);
export type AlertTransitionList = Static<typeof AlertTransitionList>;

export const AcknowledgeAlert = Type.Object(
  {
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the acknowledgement lapses; repeat notifications resume then.' })),
  },
  { additionalProperties: false, $id: 'AcknowledgeAlert' },
);
export type AcknowledgeAlert = Static<typeof AcknowledgeAlert>;

export const SilenceMatchers = Type.Object(
  {
    appId: Type.Optional(Type.String({ format: 'uuid' })),
    instanceId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
    kind: Type.Optional(AlertKindSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const Silence = Type.Object(
  {
    id: Type.String(),
    matchers: SilenceMatchers,
    startsAt: IsoTime,
    endsAt: IsoTime,
    comment: Type.String(),
    createdAt: IsoTime,
    active: Type.Boolean(),
  },
);
export type Silence = Static<typeof Silence>;
export const SilenceList = Type.Object({ silences: Type.Array(Silence) }, { $id: 'SilenceList' });
export type SilenceList = Static<typeof SilenceList>;
export const CreateSilence = Type.Object(
  {
    matchers: SilenceMatchers,
    startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now.' })),
    endsAt: Type.String({ format: 'date-time' }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, $id: 'CreateSilence' },
);
export type CreateSilence = Static<typeof CreateSilence>;
