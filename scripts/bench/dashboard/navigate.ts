// One first view: a new browser context holding the signed-in session (so no
// cache but the server's is warm), `page.goto`, and the wall time until the
// page's own content is drawn: every chart panel holds its uPlot canvas, or
// for pages without charts, their rows. Also every /api request the page made
// until then, with Chromium's timings, to say which one held the page up.
import type { Browser, BrowserContext } from 'playwright-core';

type Session = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface PageSpec {
  name: string;
  path: string;
  /** Runs in the page: true once its first view is drawn. */
  ready: (arg: number) => boolean;
  arg: number;
}

export interface ApiCall {
  /** path and query as the browser asked, for replaying against ingest */
  url: string;
  route: string;
  /** request sent → first byte: the server's share (proxy and ingest) */
  ttfbMs: number;
  /** queued → last byte, as the page waited for it */
  totalMs: number;
}

export interface Navigation {
  ms: number;
  /** goto → the document's first byte (Next's server render) */
  documentMs: number;
  /** goto → the first /api request sent: how long the page's calls waited to start */
  firstApiMs: number;
  /** goto → the last /api response the first view used: what is left after it is hydration and drawing */
  lastApiMs: number;
  apiCalls: ApiCall[];
}

/** Every instance-page panel has its chart drawn (or says it has no samples). */
export const chartsDrawn = (minPanels: number) => {
  const panels = [...document.querySelectorAll('section[data-panel]')];
  return panels.length >= minPanels && panels.every((p) => p.querySelector('.chart canvas') || p.querySelector('p.muted'));
};
/** The overview: every app listed (its card or row, with its sparkline when it has one) and the "firing now" card loaded. */
export const appsListed = (apps: number) =>
  document.querySelectorAll('[data-app]').length >= apps && (document.querySelector('[data-firing-now]')?.getAttribute('data-firing-now') ?? '') !== '';
/** An app page: its RSS chart drawn and its instance table filled. */
export const appDrawn = (rows: number) =>
  Boolean(document.querySelector('[data-panel="app-rss"] .chart canvas')) && document.querySelectorAll('table[data-table="instances"] tbody tr').length >= rows;
/** The alerts page: its rows, or the card saying there are none. */
export const alertsListed = (rows: number) =>
  document.querySelectorAll('table.alerts tbody tr[data-alert]').length >= rows || (rows === 0 && document.body.textContent!.includes('No alerts'));

/** The route behind a URL: ids as :id, the query's parameter names (and how many metrics). */
export function routeOf(url: URL): string {
  const path = url.pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id').replace(/\/\d+(?=\/|$)/g, '/:id');
  const names = [...url.searchParams.keys()];
  const counted = [...new Set(names)].map((n) => (names.filter((m) => m === n).length > 1 ? `${n}×${names.filter((m) => m === n).length}` : n));
  return counted.length ? `${path}?${counted.join('&')}` : path;
}

/** A navigation in `shared` (a warm cache) when given, else in a context of its own (cold). */
export async function firstView(browser: Browser, baseUrl: string, session: Session, spec: PageSpec, timeoutMs = 30_000, shared?: BrowserContext): Promise<Navigation> {
  const context = shared ?? (await browser.newContext({ storageState: session, viewport: { width: 1280, height: 900 } }));
  const page = await context.newPage();
  try {
    const calls: (ApiCall & { startedAt: number; endedAt: number })[] = [];
    page.on('requestfinished', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/api/')) return;
      const t = request.timing();
      calls.push({ url: url.pathname + url.search, route: routeOf(url), ttfbMs: t.responseStart - t.requestStart, totalMs: t.responseEnd, startedAt: t.startTime, endedAt: t.startTime + t.responseEnd });
    });
    const started = performance.now();
    const startedAt = Date.now();
    await page.goto(new URL(spec.path, baseUrl).toString(), { waitUntil: 'commit', timeout: timeoutMs });
    const documentMs = performance.now() - started;
    // An expression, not a function: the predicate is this module's source and runs in the page as is.
    // It fails fast on the error paragraph a page shows when an API call failed.
    const outcome = await page
      .waitForFunction(
        `(() => { const failed = document.querySelector('p.error[role="alert"]');
                  if (failed) return 'error: ' + failed.textContent;
                  return (${spec.ready.toString()})(${JSON.stringify(spec.arg)}) ? 'ok' : false; })()`,
        undefined,
        { timeout: timeoutMs, polling: 'raf' },
      )
      .catch(async (err: Error) => {
        const shown = (await page.locator('main, body').first().innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 400);
        throw new Error(`${spec.name} (${spec.path}): ${err.message.split('\n')[0]}; the page shows: ${shown}`);
      });
    const ms = performance.now() - started;
    const verdict = await outcome.jsonValue();
    if (verdict !== 'ok') throw new Error(`${spec.name} (${spec.path}): ${verdict}`);
    const readyAt = startedAt + ms;
    const used = calls.filter((c) => c.startedAt <= readyAt);
    const lastApiMs = Math.max(0, ...used.map((c) => c.endedAt - startedAt));
    const firstApiMs = used.length ? Math.min(...used.map((c) => c.startedAt - startedAt)) : 0;
    return { ms, documentMs, firstApiMs, lastApiMs, apiCalls: used.map(({ startedAt: _s, endedAt: _e, ...c }) => c) };
  } finally {
    if (shared) await page.close();
    else await context.close();
  }
}

/** Each call again, straight to ingest with the API key, one at a time: the server's time without the browser's queue. */
export async function replayDirect(ingestUrl: string, apiKey: string, urls: string[], repeats = 3): Promise<Map<string, number>> {
  const medianMs = new Map<string, number>();
  for (const url of urls) {
    const times: number[] = [];
    for (let k = 0; k < repeats; k++) {
      const t0 = performance.now();
      const res = await fetch(ingestUrl + url, { headers: { authorization: `Bearer ${apiKey}` } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      times.push(performance.now() - t0);
    }
    medianMs.set(url, times.sort((a, b) => a - b)[Math.floor(repeats / 2)]!);
  }
  return medianMs;
}
