// A realistic notification, for the tests and for looking at a rendered email
// by eye (write-sample.ts). Times are fixed so output is reproducible.
import type { AlertEvidence, AlertSummary } from '@memsight/contracts';
import type { EmailContent, EmailItem } from './email-content';

const MIB = 1024 * 1024;
export const SAMPLE_NOW_MS = Date.UTC(2026, 11, 1, 14, 0);
const HOUR = 3_600_000;

/** Two hours of RSS floors every minute: a leak of `rateMiBPerHour` under a GC sawtooth and some noise. */
export function leakingSeries(rateMiBPerHour: number, baseMiB = 380, endMs = SAMPLE_NOW_MS): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  let seed = 7;
  const noise = () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 2;
  for (let i = 0; i <= 120; i++) {
    const ms = endMs - 2 * HOUR + i * 60_000;
    const sawtooth = ((i % 17) / 17) * 6;
    t.push(ms);
    v.push((baseMiB + (rateMiBPerHour * i) / 60 + sawtooth + noise() * 1.5) * MIB);
  }
  return { t, v };
}

export function sampleAlert(overrides: Partial<AlertSummary> = {}): AlertSummary {
  return {
    id: '1042',
    kind: 'leak',
    state: 'firing',
    severity: 'warning',
    ruleId: 'r-leak',
    ruleName: 'Memory leak',
    appId: '5b0c7c8e-1a52-4a55-9d1e-0b7e6f3d2a10',
    appName: 'checkout-api',
    instanceId: '318',
    summary: 'RSS grows 31.4 MiB/h on instance 318 (native memory outside the Python heap)',
    metric: 'process.memory.rss',
    value: 31.4 * MIB,
    startedAt: new Date(SAMPLE_NOW_MS - 100 * 60_000).toISOString(),
    firedAt: new Date(SAMPLE_NOW_MS - 95 * 60_000).toISOString(),
    resolvedAt: null,
    lastEvaluatedAt: new Date(SAMPLE_NOW_MS).toISOString(),
    acknowledged: null,
    silenced: false,
    link: '/instances/318',
    ...overrides,
  };
}

export function sampleLeakEvidence(overrides: Partial<AlertEvidence> = {}): AlertEvidence {
  const series = leakingSeries(31.4);
  const fromMs = series.t[0]!;
  const slopePerMs = (31.4 * MIB) / HOUR;
  const intercept = 383 * MIB;
  const lastT = series.t[series.t.length - 1]!;
  const limitBytes = 512 * MIB;
  const atMs = fromMs + (limitBytes - intercept) / slopePerMs;
  return {
    nextStep: 'Compare two tracemalloc snapshots of instance 318 a few minutes apart: the sites below grow; start with the cache in app/pricing/cache.py.',
    where: 'native',
    metric: 'process.memory.rss',
    rateBytesPerHour: 31.4 * MIB,
    confidence: 0.9987,
    growthStartedAt: new Date(fromMs + 4 * 60_000).toISOString(),
    level: series.v[series.v.length - 1]!,
    forecast: {
      limitName: 'cgroup',
      limitBytes,
      at: new Date(atMs).toISOString(),
      earliest: new Date(atMs - 40 * 60_000).toISOString(),
      latest: new Date(atMs + 70 * 60_000).toISOString(),
      secondsToLimit: Math.round((atMs - lastT) / 1000),
    },
    series,
    trend: { slopePerMs, intercept, fromMs },
    sites: [
      {
        site: 'app/pricing/cache.py:88',
        sizeBytes: 96.4 * MIB,
        growthBytes: 41.2 * MIB,
        count: 182_340,
        traceback: ['app/pricing/cache.py:88 in put', 'app/pricing/quote.py:141 in quote_for_cart', 'app/routes/checkout.py:57 in checkout', 'flask/app.py:1469 in dispatch_request'],
      },
      { site: 'app/clients/tax.py:33', sizeBytes: 12.8 * MIB, growthBytes: 6.1 * MIB, count: 20_410, traceback: ['app/clients/tax.py:33 in _session', 'app/clients/tax.py:71 in rate_for'] },
      { site: 'json/decoder.py:353', sizeBytes: 8.2 * MIB, growthBytes: 1.3 * MIB, count: 51_977 },
    ],
    types: [
      { type: 'dict', count: 412_556, growth: 96_102 },
      { type: 'pricing.cache.Entry', count: 182_340, growth: 78_245 },
      { type: 'bytes', count: 61_203, growth: 8_977 },
    ],
    ...overrides,
  };
}

export function sampleContent(items?: EmailItem[]): EmailContent {
  return {
    projectName: 'Acme shop',
    appName: 'checkout-api',
    kind: 'leak',
    items: items ?? [
      { change: 'firing', alert: sampleAlert(), evidence: sampleLeakEvidence(), url: 'https://memsight.example.com/instances/318?alert=1042' },
      {
        change: 'resolved',
        alert: sampleAlert({ id: '1039', instanceId: '311', state: 'resolved', summary: 'RSS grew 9.8 MiB/h on instance 311', resolvedAt: new Date(SAMPLE_NOW_MS - 10 * 60_000).toISOString(), link: '/instances/311' }),
        evidence: resolvedEvidence(),
        url: 'https://memsight.example.com/instances/311?alert=1039',
      },
    ],
    dashboardUrl: 'https://memsight.example.com/alerts',
  };
}

/** A leak that stopped: the floor went flat, and the detector no longer sees growth. */
function resolvedEvidence(): AlertEvidence {
  const series = leakingSeries(0.4, 402);
  return {
    nextStep: 'Nothing to do: the floor of instance 311 has been flat for 20 minutes.',
    where: 'native',
    metric: 'process.memory.rss',
    rateBytesPerHour: 0.4 * MIB,
    confidence: 0.62,
    level: series.v[series.v.length - 1]!,
    series,
  };
}

/** Evidence of the kinds that carry no series: their emails have no chart. */
export function seriesFreeItems(): EmailItem[] {
  const item = (alert: Partial<AlertSummary>, evidence: AlertEvidence): EmailItem => ({
    change: 'firing',
    alert: sampleAlert({ link: `/instances/${alert.instanceId ?? '318'}`, ...alert }),
    evidence,
    url: `https://memsight.example.com/instances/${alert.instanceId ?? '318'}`,
  });
  return [
    item(
      { id: 'g1', kind: 'gc', metric: 'v8js.gc.time_fraction', value: 0.23, summary: 'GC takes 23 % of wall time on instance 318' },
      { nextStep: 'Look for a cache that grows until every major GC has to walk it.', where: 'gc', metric: 'v8js.gc.time_fraction', signals: { pauseFraction: 0.2312, fullPerMinute: 8.5 } },
    ),
    item(
      { id: 'f1', kind: 'fragmentation', metric: 'glibc.malloc.fragmentation', value: 0.46, summary: 'malloc holds 46 % of its arena unused on instance 318' },
      { nextStep: 'Try MALLOC_ARENA_MAX=2 or jemalloc.', where: 'allocator', metric: 'glibc.malloc.fragmentation', level: 0.46 },
    ),
    item(
      { id: 't1', kind: 'threshold', metric: 'process.open_fds{kind=socket}', value: 1890, summary: 'process.open_fds{kind=socket} > 1500 on instance 318' },
      { nextStep: 'Check that every outgoing connection is closed.', metric: 'process.open_fds{kind=socket}', series: { t: [SAMPLE_NOW_MS], v: [1890] } },
    ),
  ];
}
