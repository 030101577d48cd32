// What an email says about its group as a whole: the heading and the counts.
import { RULE_DEFAULTS } from '@memsight/contracts';
import type { EmailContent } from './email-content';
import { itemFacts, type ItemFacts } from './item-facts';

/** Past this many alerts, the rest are one line each: Gmail clips an HTML part over about 100 KB. */
export const MAX_DETAILED_ITEMS = 10;

export interface GroupFacts {
  /** "Memory leak · checkout-api" */
  title: string;
  projectName: string;
  /** "1 firing, 1 resolved" */
  counts: string;
  detailed: ItemFacts[];
  /** Alerts beyond MAX_DETAILED_ITEMS, told in one line each. */
  brief: ItemFacts[];
  dashboardUrl: string;
}

export function groupFacts(content: EmailContent): GroupFacts {
  const all = content.items.map(itemFacts);
  const firing = content.items.filter((i) => i.change === 'firing').length;
  const reminders = content.items.filter((i) => i.change === 'reminder').length;
  const resolved = content.items.length - firing - reminders;
  const counts = [firing && `${firing} firing`, reminders && `${reminders} still firing`, resolved && `${resolved} resolved`].filter(Boolean).join(', ');
  return {
    title: `${RULE_DEFAULTS[content.kind]?.name ?? content.kind} · ${content.appName}`,
    projectName: content.projectName,
    counts,
    detailed: all.slice(0, MAX_DETAILED_ITEMS),
    brief: all.slice(MAX_DETAILED_ITEMS),
    dashboardUrl: content.dashboardUrl,
  };
}
