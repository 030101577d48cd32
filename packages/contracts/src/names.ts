// The contract's plain names: event names, socket rooms, alert kinds, states
// and severities. No TypeBox here, so a browser bundle that needs only these
// does not carry the schema library; the schema modules re-export them.
export const EVENTS = {
  samplesAppended: 'samples:appended',
  instanceSeen: 'instance:seen',
  subscribe: 'instance:subscribe',
  unsubscribe: 'instance:unsubscribe',
  /** An alert changed state. Missed ones: GET /api/alerts/transitions?after=<cursor>. */
  alertTransition: 'alert:transition',
} as const;

export const rooms = {
  project: (projectId: string) => `project:${projectId}`,
  instance: (instanceId: string) => `instance:${instanceId}`,
};

export const ALERT_KINDS = ['leak', 'time-to-limit', 'fragmentation', 'resource-leak', 'gc', 'threshold', 'data-loss'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
