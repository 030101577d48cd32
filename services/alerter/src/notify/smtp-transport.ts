// SMTP through nodemailer. One pooled connection; each email carries our
// Message-ID, so a resend after a crash is recognisable as the same message.
import nodemailer from 'nodemailer';
import type { RenderedEmail } from './render/index';

export interface MailTransport {
  send: (mail: { to: string; messageId: string; email: RenderedEmail }) => Promise<void>;
  close: () => void;
}

export function smtpTransport(o: { url: string; from: string; timeoutSeconds: number }): MailTransport {
  const timeout = o.timeoutSeconds * 1000;
  const transporter = nodemailer.createTransport({ url: o.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    send: async ({ to, messageId, email }) => {
      await transporter.sendMail({
        from: o.from,
        to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<${messageId}>`,
        attachments: email.attachments.map((a) => ({ cid: a.cid, filename: a.filename, content: a.content, contentType: a.contentType, contentDisposition: 'inline' as const })),
      });
    },
    close: () => transporter.close(),
  };
}
