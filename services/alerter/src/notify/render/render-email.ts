// One notification email: subject, text, HTML and its inline charts.
import type { EmailContent, RenderedEmail } from './email-content';
import { groupFacts, MAX_DETAILED_ITEMS } from './group-facts';
import { itemCharts } from './item-chart';
import { renderHtml } from './html-part';
import { renderSubject } from './subject';
import { renderText } from './text-part';

export function renderEmail(content: EmailContent): RenderedEmail {
  if (!content.items.length) throw new RangeError('An alert email needs at least one alert change.');
  const group = groupFacts(content);
  const subject = renderSubject(content);
  // Only alerts told in full have a chart: the one-line rest link to the dashboard.
  const charts = itemCharts(content.items.slice(0, MAX_DETAILED_ITEMS));
  return {
    subject,
    text: renderText(group),
    html: renderHtml(group, subject, charts),
    attachments: [...charts.values()].map((c) => c.attachment),
  };
}
