// What the outbox hands the renderer, and what it gets back for nodemailer.
import type { AlertEvidence, AlertKind, AlertSummary } from '@memsight/contracts';

export interface EmailItem {
  /** `reminder`: still firing, sent again after the repeat interval. */
  change: 'firing' | 'resolved' | 'reminder';
  alert: AlertSummary;
  evidence: AlertEvidence;
  /** Absolute URL of the instance page on the dashboard. */
  url: string;
}

/** One notification: a group of alert changes of one app and kind (Alertmanager-style grouping). */
export interface EmailContent {
  projectName: string;
  appName: string;
  kind: AlertKind;
  /** 1..n, already ordered (firing first). */
  items: EmailItem[];
  /** Absolute URL of the alert list. */
  dashboardUrl: string;
}

export interface ChartAttachment {
  cid: string;
  filename: string;
  content: Buffer;
  contentType: 'image/png';
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments: ChartAttachment[];
}
