// The figures of each page, from its navigations: first-view percentiles and
// the API route that kept it waiting longest; and the table printed for them.
import type { ApiCall, Navigation } from './navigate';

export interface PageFigures {
  page: string;
  path: string;
  runs: number[];
  medianMs: number;
  p90Ms: number;
  maxMs: number;
  pass: boolean;
  /** medians: goto → document's first byte, goto → last API response used */
  documentMs: number;
  firstApiMs: number;
  lastApiMs: number;
  apiCalls: number;
  /** 1-minute load average of the machine while the page was measured (2 cores here) */
  loadAverage?: number;
  /** The route with the longest time to first byte (median over runs of its slowest call in each). */
  slowestApi: { route: string; url: string; ttfbMs: number; totalMs: number; directMs?: number } | null;
}

/** Nearest-rank percentile. */
export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;

export function pageFigures(page: string, path: string, navs: Navigation[], budgetMs: number): PageFigures {
  const runs = navs.map((n) => n.ms);
  const byRoute = new Map<string, ApiCall[]>();
  for (const nav of navs) {
    const slowestOfRoute = new Map<string, ApiCall>();
    for (const c of nav.apiCalls) if ((slowestOfRoute.get(c.route)?.ttfbMs ?? -1) < c.ttfbMs) slowestOfRoute.set(c.route, c);
    for (const [route, c] of slowestOfRoute) byRoute.set(route, [...(byRoute.get(route) ?? []), c]);
  }
  let slowestApi: PageFigures['slowestApi'] = null;
  for (const [route, calls] of byRoute) {
    const sorted = [...calls].sort((a, b) => a.ttfbMs - b.ttfbMs);
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    if (!slowestApi || mid.ttfbMs > slowestApi.ttfbMs) slowestApi = { route, url: mid.url, ttfbMs: mid.ttfbMs, totalMs: mid.totalMs };
  }
  const medianMs = percentile(runs, 50);
  return {
    page, path, runs, medianMs, p90Ms: percentile(runs, 90), maxMs: Math.max(...runs), pass: medianMs < budgetMs,
    documentMs: percentile(navs.map((n) => n.documentMs), 50), firstApiMs: percentile(navs.map((n) => n.firstApiMs), 50), lastApiMs: percentile(navs.map((n) => n.lastApiMs), 50),
    apiCalls: Math.round(navs.reduce((n, v) => n + v.apiCalls.length, 0) / navs.length), slowestApi,
  };
}

const ms = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(0)}`);

export function formatTable(pages: PageFigures[], budgetMs: number): string {
  const header = ['page', 'median ms', 'p90 ms', 'max ms', `< ${budgetMs} ms`, 'document', 'first API', 'last API', 'load', 'API calls', 'slowest API route (browser TTFB / total, direct) ms'];
  const rows = pages.map((p) => [
    p.page, ms(p.medianMs), ms(p.p90Ms), ms(p.maxMs), p.pass ? 'PASS' : 'FAIL', ms(p.documentMs), ms(p.firstApiMs), ms(p.lastApiMs), p.loadAverage?.toFixed(1) ?? '–', String(p.apiCalls),
    p.slowestApi ? `${p.slowestApi.route}  ${ms(p.slowestApi.ttfbMs)} / ${ms(p.slowestApi.totalMs)}, ${ms(p.slowestApi.directMs)}` : '–',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => ((c >= 1 && c <= 3) || (c >= 5 && c <= 9) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
