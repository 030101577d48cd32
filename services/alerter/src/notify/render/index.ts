// Email content for alert notifications: the outbox calls renderEmail() and
// hands the result to nodemailer (attachments carry their CIDs).
export type { EmailContent, EmailItem, RenderedEmail, ChartAttachment } from './email-content';
export type { ChartSpec } from './chart-svg';
export { renderEmail } from './render-email';
export { renderChartPng } from './chart-png';
