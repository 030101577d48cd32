// The HTML part, built the way email clients still need it: nested tables,
// inline styles, a fixed 600 px column, no external CSS, fonts or images (the
// one image is the inline CID chart). Every interpolated string goes through
// esc(): alerts carry text from monitored processes, which is untrusted.
import type { Severity } from '@memsight/contracts';
import type { GroupFacts } from './group-facts';
import type { ItemFacts } from './item-facts';
import type { ItemChart } from './item-chart';
import { escapeHtml as esc, safeHref, truncate } from './escape';

const SANS = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
const INK = '#24292e';
const MUTED = '#6c6f7d';
const RULE = '#e1e3e8';

const STATE_COLOURS: Record<ItemFacts['change'], string> = { firing: '#d1293d', reminder: '#d1293d', resolved: '#1a7f37' };
const SEVERITY_COLOURS: Record<Severity, string> = { critical: '#d1293d', warning: '#b35900', info: '#1f62c4' };

/** `charts` is keyed by the item's index in the group. */
export function renderHtml(group: GroupFacts, subject: string, charts: Map<number, ItemChart>): string {
  const preheader = group.detailed[0] ? `${group.counts}: ${group.detailed[0].summary}` : group.counts;
  const items = group.detailed.map((item, i) => itemSection(item, charts.get(i))).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><meta name="supported-color-schemes" content="light"><title>${esc(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f8;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${esc(truncate(preheader, 140))}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f8;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background:#ffffff;border:1px solid ${RULE};border-radius:6px;font-family:${SANS};color:${INK};">
${header(group)}
${items}
${group.brief.length ? briefList(group.brief) : ''}
${footer(group)}
</table>
</td></tr></table>
</body></html>
`;
}

function header(group: GroupFacts): string {
  return row(
    `<div style="font-size:12px;color:${MUTED};letter-spacing:0.02em;">memsight · ${esc(group.projectName)}</div>
<div style="font-size:20px;font-weight:600;line-height:1.3;margin-top:4px;">${esc(group.title)}</div>
<div style="font-size:14px;color:${MUTED};margin-top:2px;">${esc(group.counts)}</div>`,
    `padding:20px 24px 16px;border-bottom:1px solid ${RULE};`,
  );
}

function itemSection(item: ItemFacts, chart: ItemChart | undefined): string {
  const parts = [
    `<div>${badge(item.state, STATE_COLOURS[item.change], true)} ${badge(item.severity, SEVERITY_COLOURS[item.severity] ?? MUTED, false)} <span style="font-size:13px;color:${MUTED};">${esc(item.instance)}</span></div>`,
    `<div style="font-size:16px;font-weight:600;line-height:1.4;margin:8px 0 12px;">${esc(item.summary)}</div>`,
    figuresTable(item),
    chart ? chartImage(chart, item.url) : '',
    item.sites.length ? sitesBlock(item) : '',
    item.types.length ? typesBlock(item) : '',
    `<div style="margin:16px 0 0;padding:10px 12px;background:#f1f6fe;border-left:3px solid #3274d9;font-size:14px;line-height:1.5;"><strong>Next step:</strong> ${esc(item.nextStep)}</div>`,
    button(item.url, 'Open the instance page'),
  ];
  return row(parts.join('\n'), `padding:20px 24px;border-bottom:1px solid ${RULE};`);
}

function figuresTable(item: ItemFacts): string {
  const rows = item.figures
    .map(
      (f) =>
        `<tr><td valign="top" style="padding:3px 12px 3px 0;font-size:13px;color:${MUTED};white-space:nowrap;width:120px;">${esc(f.label)}</td><td valign="top" style="padding:3px 0;font-size:13px;line-height:1.45;">${esc(f.value)}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows}</table>`;
}

function chartImage(chart: ItemChart, url: string): string {
  const img = `<img src="cid:${esc(chart.attachment.cid)}" width="${chart.width}" height="${chart.height}" alt="${esc(chart.alt)}" style="display:block;width:100%;max-width:${chart.width}px;height:auto;border:1px solid ${RULE};border-radius:4px;font-size:12px;color:${MUTED};">`;
  const href = safeHref(url);
  return `<div style="margin:16px 0 4px;">${href ? `<a href="${esc(href)}" style="text-decoration:none;">${img}</a>` : img}</div>`;
}

function sitesBlock(item: ItemFacts): string {
  const rows = item.sites
    .map((s) => {
      const frames = s.traceback.length
        ? `<div style="font-family:${MONO};font-size:11px;line-height:1.5;color:${MUTED};margin-top:2px;white-space:pre-wrap;word-break:break-all;">${s.traceback.map(esc).join('<br>')}</div>`
        : '';
      return `<tr><td style="padding:6px 0;border-top:1px solid ${RULE};"><div style="font-family:${MONO};font-size:12px;word-break:break-all;">${esc(s.site)}</div><div style="font-size:12px;color:${INK};margin-top:2px;">${esc(s.sizes)}</div>${frames}</td></tr>`;
    })
    .join('');
  return `${subheading('Top growing allocation sites')}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows}</table>`;
}

function typesBlock(item: ItemFacts): string {
  const rows = item.types
    .map(
      (t) =>
        `<tr><td style="padding:4px 8px 4px 0;border-top:1px solid ${RULE};font-family:${MONO};font-size:12px;word-break:break-all;">${esc(t.type)}</td><td align="right" style="padding:4px 8px;border-top:1px solid ${RULE};font-size:12px;white-space:nowrap;">${esc(t.count)}</td><td align="right" style="padding:4px 0;border-top:1px solid ${RULE};font-size:12px;white-space:nowrap;color:#d1293d;">${esc(t.growth ?? '')}</td></tr>`,
    )
    .join('');
  const head = `<tr><td style="padding:0 0 4px;font-size:11px;color:${MUTED};">type</td><td align="right" style="padding:0 8px 4px;font-size:11px;color:${MUTED};">objects</td><td align="right" style="padding:0 0 4px;font-size:11px;color:${MUTED};">growth</td></tr>`;
  return `${subheading('Top object types')}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${head}${rows}</table>`;
}

function briefList(items: ItemFacts[]): string {
  const rows = items
    .map((item) => {
      const href = safeHref(item.url);
      const label = `${esc(item.instance)}: ${esc(item.summary)}`;
      return `<tr><td style="padding:4px 0;font-size:13px;line-height:1.4;">${badge(item.state, STATE_COLOURS[item.change], true)} ${href ? `<a href="${esc(href)}" style="color:#1f62c4;">${label}</a>` : label}</td></tr>`;
    })
    .join('');
  return row(`${subheading(`And ${items.length} more`)}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows}</table>`, `padding:16px 24px;border-bottom:1px solid ${RULE};`);
}

function footer(group: GroupFacts): string {
  const href = safeHref(group.dashboardUrl);
  const link = href ? `<a href="${esc(href)}" style="color:#1f62c4;">All alerts on the dashboard</a>` : esc(group.dashboardUrl);
  return row(`<div style="font-size:13px;">${link}</div><div style="font-size:11px;color:${MUTED};margin-top:6px;">Sent by memsight for ${esc(group.projectName)}. Times are UTC.</div>`, 'padding:16px 24px 20px;');
}

function row(inner: string, style: string): string {
  return `<tr><td style="${style}">${inner}</td></tr>`;
}

function subheading(title: string): string {
  return `<div style="font-size:13px;font-weight:600;margin:18px 0 6px;">${esc(title)}</div>`;
}

function badge(label: string, colour: string, solid: boolean): string {
  const look = solid ? `background:${colour};color:#ffffff;border:1px solid ${colour};` : `color:${colour};border:1px solid ${colour};`;
  return `<span style="display:inline-block;padding:1px 7px;border-radius:3px;font-size:11px;font-weight:700;letter-spacing:0.04em;text-transform:uppercase;${look}">${esc(label)}</span>`;
}

function button(url: string, label: string): string {
  const href = safeHref(url);
  if (!href) return `<div style="margin-top:14px;font-size:13px;color:${MUTED};">${esc(url)}</div>`;
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:16px;"><tr><td style="background:#3274d9;border-radius:4px;"><a href="${esc(href)}" style="display:inline-block;padding:8px 16px;font-size:14px;font-weight:600;color:#ffffff;text-decoration:none;">${esc(label)}</a></td></tr></table>`;
}
