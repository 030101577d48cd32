// socket.io events between ingest's gateway and the dashboard. Event names
// live here once; both sides import them instead of repeating strings.
import { Type, type Static } from 'typebox';
import { InstanceSummary } from './rest';
import type { AlertTransitionEvent } from './alerts';

export { EVENTS, rooms } from './names';

/** The PostgreSQL NOTIFY channels between the services. */
export const PG_CHANNELS = {
  /** alerter → every ingest: `{ transitionId }` of a committed transition, relayed to dashboards. */
  alertTransitions: 'memsight_alert_transitions',
  /** ingest → alerter: instance ids with newly committed samples, comma-separated, or `*` for "many". */
  samplesCommitted: 'memsight_samples_committed',
  /** ingest → alerter: a rule changed; re-read them. */
  rulesChanged: 'memsight_rules_changed',
  /** ingest → every ingest: an API key was revoked (its id); cached key answers are dropped. */
  keysChanged: 'memsight_keys_changed',
} as const;

export const SamplesAppended = Type.Object({
  instanceId: Type.String(),
  metrics: Type.Array(Type.String()),
  // rows of [unix ms, ...values in `metrics` order]
  rows: Type.Array(Type.Array(Type.Union([Type.Number(), Type.Null()]))),
});
export type SamplesAppended = Static<typeof SamplesAppended>;

export const InstanceSeen = InstanceSummary;
export type InstanceSeen = Static<typeof InstanceSeen>;

export const SubscribeRequest = Type.Object(
  { instanceId: Type.String({ pattern: '^[0-9]{1,19}$' }) },
  { additionalProperties: false },
);
export type SubscribeRequest = Static<typeof SubscribeRequest>;

export const SubscribeAck = Type.Union([
  Type.Object({ ok: Type.Literal(true) }),
  Type.Object({ ok: Type.Literal(false), error: Type.Object({ code: Type.String(), message: Type.String() }) }),
]);
export type SubscribeAck = Static<typeof SubscribeAck>;

/** Handshake `auth` payload: the project's API key, as on the REST API. */
/**
 * The handshake's `auth`: an API key for scripts; a signed-in browser sends its cookie instead, and
 * `project` to pick one of the person's projects (a browser cannot set headers on a WebSocket).
 */
export const SocketAuth = Type.Object({
  apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  project: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{36}$' })),
});
export type SocketAuth = Static<typeof SocketAuth>;

export interface ServerToClientEvents {
  'samples:appended': (payload: SamplesAppended) => void;
  'instance:seen': (payload: InstanceSeen) => void;
  'alert:transition': (payload: AlertTransitionEvent) => void;
}

export interface ClientToServerEvents {
  'instance:subscribe': (payload: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  'instance:unsubscribe': (payload: SubscribeRequest) => void;
}

/** Room names, so server and tests agree on them. */
