// Where alerts are sent (channels), and the mailbox: with no SMTP server
// configured the alerter keeps every email it would have sent, readable here.
import { Type, type Static } from 'typebox';

const IsoTime = Type.String({ format: 'date-time' });
// Deliberately loose (one @, no spaces): the SMTP server is the judge of deliverability.
const EmailAddress = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'An email address.' });

export const NotificationChannel = Type.Object(
  {
    id: Type.String(),
    kind: Type.Literal('email'),
    name: Type.String(),
    target: Type.String({ description: 'The address emails go to.' }),
    enabled: Type.Boolean(),
    createdAt: IsoTime,
  },
);
export type NotificationChannel = Static<typeof NotificationChannel>;
export const NotificationChannelList = Type.Object({ channels: Type.Array(NotificationChannel) }, { $id: 'NotificationChannelList' });
export type NotificationChannelList = Static<typeof NotificationChannelList>;

export const CreateNotificationChannel = Type.Object(
  {
    kind: Type.Literal('email'),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    target: EmailAddress,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, $id: 'CreateNotificationChannel' },
);
export type CreateNotificationChannel = Static<typeof CreateNotificationChannel>;

export const UpdateNotificationChannel = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    target: Type.Optional(EmailAddress),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, $id: 'UpdateNotificationChannel' },
);
export type UpdateNotificationChannel = Static<typeof UpdateNotificationChannel>;

export const MailboxMessage = Type.Object({
  id: Type.String(),
  messageId: Type.String({ description: 'The Message-ID header: one per notification, kept across retries.' }),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  alertIds: Type.Array(Type.String()),
  createdAt: IsoTime,
});
export type MailboxMessage = Static<typeof MailboxMessage>;
export const MailboxList = Type.Object(
  { messages: Type.Array(MailboxMessage), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { $id: 'MailboxList' },
);
export type MailboxList = Static<typeof MailboxList>;
