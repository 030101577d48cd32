import { Type } from 'typebox';
import { AcknowledgeAlert, AlertDetail, AlertList, AlertTransitionList, ErrorResponse } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const AlertParams = Type.Object({ alertId: Type.String({ format: 'uuid' }) });
const ListOf = (description: string) =>
  Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { maxItems: 10 })], { description }));

export const listAlertsSchema = {
  tags: ['alerts'],
  summary: 'Alerts of the project, newest first',
  querystring: Type.Object(
    {
      state: ListOf('pending, firing, resolved; comma-separated or repeated'),
      kind: ListOf('leak, time-to-limit, fragmentation, resource-leak, gc, threshold, data-loss; comma-separated or repeated'),
      appId: Type.Optional(Type.String({ format: 'uuid' })),
      instanceId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
      from: Type.Optional(Type.String({ description: 'Alerts that started at or after (ISO time or unix ms). For alerts overlapping a range, as chart bands, see GET /api/instances/{instanceId}/alert-spans' })),
      to: Type.Optional(Type.String({ description: 'Alerts that started before (ISO time or unix ms)' })),
      cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
      limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1–500, default 100' })),
    },
    { additionalProperties: false },
  ),
  response: { 200: AlertList, ...errors },
};

export const getAlertSchema = {
  tags: ['alerts'],
  summary: 'One alert with its evidence and transitions',
  params: AlertParams,
  response: { 200: AlertDetail, ...errors },
};

export const acknowledgeAlertSchema = {
  tags: ['alerts'],
  summary: 'Acknowledge an alert: no repeat emails until the acknowledgement expires (or is removed)',
  params: AlertParams,
  body: AcknowledgeAlert,
  response: { 200: AlertDetail, ...errors },
};

export const unacknowledgeAlertSchema = {
  tags: ['alerts'],
  summary: 'Remove an acknowledgement',
  params: AlertParams,
  response: { 200: AlertDetail, ...errors },
};

export const listTransitionsSchema = {
  tags: ['alerts'],
  summary: 'Alert transitions after a cursor: what a reconnecting live client missed',
  querystring: Type.Object(
    {
      after: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'The last cursor the client saw; none: the newest cursor and no events' })),
      limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1–500, default 500' })),
    },
    { additionalProperties: false },
  ),
  response: { 200: AlertTransitionList, ...errors },
};
