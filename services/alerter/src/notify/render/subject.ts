// The subject line, Alertmanager's way: the status and counts first, so an
// inbox sorted by subject groups an incident's emails, then what and where.
import type { EmailContent } from './email-content';
import { oneLine, truncate } from './escape';

/** Long enough for a summary, short enough that a phone shows the app name. */
export const MAX_SUBJECT_CHARS = 140;

export function renderSubject(content: EmailContent): string {
  const firing = content.items.filter((i) => i.change !== 'resolved').length;
  const resolved = content.items.length - firing;
  const status = firing && resolved ? `FIRING:${firing}, RESOLVED:${resolved}` : firing ? `FIRING:${firing}` : 'RESOLVED';
  const head = `[${status}] ${content.kind} · ${truncate(oneLine(content.appName), 60)}`;
  const only = content.items.length === 1 ? oneLine(content.items[0]!.alert.summary) : '';
  // App names and summaries are untrusted: oneLine() removed any CR/LF, so nothing here can start a header.
  return only ? truncate(`${head} — ${only}`, MAX_SUBJECT_CHARS) : head;
}
