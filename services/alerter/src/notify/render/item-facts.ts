// One alert change as the facts an email states about it, already worded and
// formatted. The text and HTML parts both render these, so they can never
// disagree on a figure; neither part formats a number itself.
import { describeMetric, type AlertEvidence, type Severity } from '@memsight/contracts';
import type { EmailItem } from './email-content';
import { countNoun, formatBytes, formatCount, formatPercent, formatSeconds, formatSigned, formatUtc, formatUtcNear, formatValue, type MetricUnit } from './figures';
import { truncate } from './escape';

export const MAX_SITES = 5;
export const MAX_TYPES = 5;
export const TRACEBACK_LINES = 3;

export interface Figure {
  label: string;
  value: string;
}

export interface SiteFact {
  site: string;
  /** "+41.2 MiB of 96.4 MiB, 182,340 allocations" */
  sizes: string;
  traceback: string[];
}

export interface TypeFact {
  type: string;
  count: string;
  growth: string | null;
}

export interface ItemFacts {
  /** "FIRING", "RESOLVED", "STILL FIRING" */
  state: string;
  change: EmailItem['change'];
  severity: Severity;
  instance: string;
  summary: string;
  figures: Figure[];
  sites: SiteFact[];
  types: TypeFact[];
  nextStep: string;
  url: string;
}

const STATE_LABELS: Record<EmailItem['change'], string> = { firing: 'FIRING', resolved: 'RESOLVED', reminder: 'STILL FIRING' };

const WHERE: Record<NonNullable<AlertEvidence['where']>, string> = {
  heap: 'the language heap',
  native: 'native memory, outside the heap',
  contexts: 'V8 contexts',
  allocator: 'the allocator: freed memory it keeps',
  resources: 'OS resources',
  gc: 'the garbage collector',
};

export function itemFacts(item: EmailItem): ItemFacts {
  const { alert, evidence } = item;
  return {
    state: STATE_LABELS[item.change],
    change: item.change,
    severity: alert.severity,
    instance: `instance ${alert.instanceId}`,
    summary: alert.summary,
    figures: figures(item),
    sites: (evidence.sites ?? []).slice(0, MAX_SITES).map((s) => ({
      site: truncate(s.site, 200),
      sizes: [
        s.growthBytes !== undefined ? `${formatSigned(s.growthBytes, formatBytes)} of ${formatBytes(s.sizeBytes)}` : formatBytes(s.sizeBytes),
        s.count !== undefined ? `${formatCount(s.count)} allocations` : null,
      ]
        .filter(Boolean)
        .join(', '),
      traceback: (s.traceback ?? []).slice(0, TRACEBACK_LINES).map((line) => truncate(line.trim(), 160)),
    })),
    types: (evidence.types ?? []).slice(0, MAX_TYPES).map((t) => ({
      type: truncate(t.type, 120),
      count: formatCount(t.count),
      growth: t.growth !== undefined ? formatSigned(t.growth, formatCount) : null,
    })),
    nextStep: evidence.nextStep,
    url: item.url,
  };
}

/** The metric's unit from the catalogue; a leak's figures are bytes even on a metric the catalogue does not know. */
export function evidenceUnit(item: EmailItem): MetricUnit {
  const metric = item.evidence.metric ?? item.alert.metric;
  const unit = metric ? describeMetric(metric)?.unit : undefined;
  if (unit) return unit;
  return item.evidence.rateBytesPerHour !== undefined || item.evidence.forecast ? 'By' : null;
}

function figures(item: EmailItem): Figure[] {
  const { alert, evidence } = item;
  const unit = evidenceUnit(item);
  const out: Figure[] = [];
  const add = (label: string, value: string | undefined | null) => {
    if (value) out.push({ label, value });
  };
  if (item.change === 'resolved') add('Resolved', alert.resolvedAt ? formatUtc(alert.resolvedAt) : 'now');
  add(item.change === 'resolved' ? 'Had fired' : 'Firing since', alert.firedAt ? formatUtc(alert.firedAt) : null);
  add('Metric', evidence.metric ?? alert.metric);
  add('Where', evidence.where ? WHERE[evidence.where] : null);
  if (evidence.rateBytesPerHour !== undefined) add('Rate', `${formatSigned(evidence.rateBytesPerHour, formatBytes)}/h`);
  if (evidence.ratePerHour !== undefined) {
    const noun = countNoun(unit);
    add('Rate', `${formatSigned(evidence.ratePerHour, formatCount)}${noun ? ` ${noun}` : ''}/h`);
  }
  const headline = alertValue(item, unit);
  if (headline) out.push(headline);
  if (evidence.level !== undefined) add('Level now', formatValue(evidence.level, unit));
  if (evidence.confidence !== undefined) add('Confidence', formatPercent(evidence.confidence));
  if (evidence.growthStartedAt) add('Growing since', formatUtc(evidence.growthStartedAt));
  if (evidence.forecast) add('Forecast', forecastSentence(evidence.forecast));
  if (evidence.signals) add('Other signals', signalsLine(evidence.signals));
  if (alert.acknowledged) add('Acknowledged', `${formatUtc(alert.acknowledged.at)}${alert.acknowledged.comment ? `: ${truncate(alert.acknowledged.comment, 200)}` : ''}`);
  return out;
}

/** The alert's own figure, where the evidence does not already state it: its meaning depends on the kind. */
function alertValue(item: EmailItem, unit: MetricUnit): Figure | undefined {
  const { alert, evidence } = item;
  const v = alert.value;
  if (v === null || !Number.isFinite(v)) return undefined;
  switch (alert.kind) {
    case 'leak':
      return evidence.rateBytesPerHour === undefined ? { label: 'Rate', value: `${formatSigned(v, formatBytes)}/h` } : undefined;
    case 'time-to-limit':
      return evidence.forecast ? undefined : { label: 'Time to limit', value: formatSeconds(v) };
    case 'resource-leak':
      return evidence.ratePerHour === undefined ? { label: 'Value', value: formatValue(v, unit) } : undefined;
    case 'fragmentation':
      return { label: 'Held but unused', value: formatPercent(v) };
    case 'data-loss':
      return { label: 'Samples lost', value: formatCount(v) };
    default:
      return { label: 'Value', value: formatValue(v, unit) };
  }
}

/** "limit 512 MiB (cgroup) reached around 2026-12-02 03:10 UTC, between 01:40 and 05:00" */
export function forecastSentence(f: NonNullable<AlertEvidence['forecast']>): string {
  const range = f.latest ? `, between ${formatUtcNear(f.earliest, f.at)} and ${formatUtcNear(f.latest, f.at)}` : `, not before ${formatUtcNear(f.earliest, f.at)}`;
  return `limit ${formatBytes(f.limitBytes)} (${truncate(f.limitName, 60)}) reached around ${formatUtc(f.at)}${range}`;
}

function signalsLine(signals: Record<string, number>): string {
  return Object.entries(signals)
    .slice(0, 8)
    .map(([name, value]) => `${truncate(name, 60)} ${Number.isFinite(value) ? Number(value.toPrecision(3)).toLocaleString('en-US') : '–'}`)
    .join(', ');
}
