// The plain-text part: what a terminal mail reader or a notification preview
// shows. Aligned columns, no markup; every untrusted string kept to one line
// so it cannot fake the layout around it.
import type { GroupFacts } from './group-facts';
import type { ItemFacts } from './item-facts';
import { oneLine } from './escape';

const RULE_WIDTH = 72;

export function renderText(group: GroupFacts): string {
  const lines: string[] = [`memsight · ${oneLine(group.projectName)}`, oneLine(group.title), group.counts, ''];
  for (const item of group.detailed) lines.push(...itemBlock(item), '');
  if (group.brief.length) {
    lines.push(`And ${group.brief.length} more:`);
    for (const item of group.brief) lines.push(`  ${item.state.padEnd(12)} ${item.instance}: ${oneLine(item.summary)}`, `      ${oneLine(item.url)}`);
    lines.push('');
  }
  lines.push('-'.repeat(RULE_WIDTH), `All alerts: ${oneLine(group.dashboardUrl)}`, '');
  return lines.join('\n');
}

function itemBlock(item: ItemFacts): string[] {
  const heading = `== ${item.state} · ${item.severity} · ${oneLine(item.instance)} `;
  const lines = [heading.padEnd(RULE_WIDTH, '='), oneLine(item.summary), ''];
  const labelWidth = Math.max(...item.figures.map((f) => f.label.length), 0) + 2;
  for (const f of item.figures) lines.push(`  ${`${f.label}`.padEnd(labelWidth)}${oneLine(f.value)}`);
  if (item.sites.length) {
    lines.push('', '  Top growing allocation sites');
    item.sites.forEach((s, i) => {
      lines.push(`  ${String(i + 1).padStart(2)}. ${oneLine(s.site)}`, `      ${s.sizes}`);
      for (const frame of s.traceback) lines.push(`        ${oneLine(frame)}`);
    });
  }
  if (item.types.length) {
    lines.push('', '  Top object types');
    const typeWidth = Math.min(40, Math.max(...item.types.map((t) => oneLine(t.type).length))) + 2;
    const countWidth = Math.max(...item.types.map((t) => t.count.length));
    for (const t of item.types) lines.push(`    ${oneLine(t.type).padEnd(typeWidth)}${t.count.padStart(countWidth)}${t.growth ? `  ${t.growth}` : ''}`);
  }
  lines.push('', `  Next step: ${oneLine(item.nextStep)}`, `  Instance page: ${oneLine(item.url)}`);
  return lines;
}
