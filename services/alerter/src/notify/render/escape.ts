// Every string in an alert (app names, summaries, allocation sites, tracebacks,
// type names) comes from a monitored process or a user: it is escaped at the
// one place it enters markup or a header, and nowhere trusted.

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in HTML text and in quoted attributes; also used for the chart's SVG, which is XML. */
export function escapeHtml(s: string): string {
  return stripControls(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/** Control characters other than tab and newline have no business in an email, and some are invalid in XML. */
function stripControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** One line for a header: CR, LF and other line breaks would let a value start a header of its own. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** Cuts at a character count with an ellipsis, without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Only http(s) links become links: a `javascript:` URL in an email is an attack, not a page. */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
