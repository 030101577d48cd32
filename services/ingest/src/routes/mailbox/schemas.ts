import { Type } from 'typebox';
import { ErrorResponse, MailboxList } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

export const listMailboxSchema = {
  tags: ['mailbox'],
  summary: 'Emails the alerter kept instead of sending (no SMTP server configured), newest first',
  querystring: Type.Object(
    { cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1–100, default 20' })) },
    { additionalProperties: false },
  ),
  response: { 200: MailboxList, ...errors },
};
export const getAttachmentSchema = {
  tags: ['mailbox'],
  summary: "An email's inline image (the chart), by its Content-ID",
  params: Type.Object({ messageId: Type.String({ pattern: '^[0-9]{1,19}$' }), cid: Type.String({ minLength: 1, maxLength: 200 }) }),
};
