// Browser cases for what the charts and the overview say about a leak: a
// Node instance whose RSS climbs toward its limit after a deploy, detected by
// the real alerter; the overview ranks it as a suspect, and its page draws the
// forecast, the deploy and the alert's span. Custom ranges, and every page at
// phone width. Registered by stack.test.ts, which owns the one stack.
import { test } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { toLocalInput } from '../lib/time-range';
import { accessibilityProblems } from './browser';
import { inheritedEnvironment } from '../../../scripts/lib/stack-config';

export interface StackContext {
  /** The repository, whose artifacts/ keeps the screenshots. */
  root: string;
  ingestUrl: string;
  apiKey: string;
  /** The banner's agent key: what a monitored service holds. */
  agentKey: string;
  signedIn: (path?: string, viewport?: { width: number; height: number }) => Promise<Page>;
}

const MB = 2 ** 20;
const LIMIT = 400 * MB;

async function call(ctx: StackContext, method: string, url: string, body?: unknown) {
  const res = await fetch(`${ctx.ingestUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${ctx.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A new version's instance, started 11 minutes before the test: its last ten minutes, one sample per 10 s, RSS climbing 12 MB a minute toward a 400 MB limit. */
function leakingBatch(agentId: string, startedAt: number, seq: number) {
  const golden = readGolden('valid', 'node-batch');
  const nowMs = Date.now();
  const samples = Array.from({ length: 61 }, (_, i) => {
    const ts = nowMs - (60 - i) * 10_000;
    const rss = 150 * MB + ((ts - startedAt) / 60_000) * 12 * MB;
    return { ts, values: [rss, rss * 0.6, rss * 0.5] };
  });
  return {
    ...golden,
    seq,
    instance: { ...golden.instance, id: agentId, appVersion: '1.1.0', pid: 778, startedAt, memoryLimitBytes: LIMIT },
    metrics: ['process.memory.rss', 'nodejs.memory.heap_used', 'v8js.memory.heap.used_after_gc'],
    samples,
    snapshots: undefined,
  };
}

export function registerSignalCases(ctx: StackContext): void {
  test('real agents in child processes, Node and Python, show up with their charts drawn', async () => {
    const stamp = Date.now();
    const agentEnv = { ...inheritedEnvironment(), MEMSIGHT_ENDPOINT: ctx.ingestUrl, MEMSIGHT_API_KEY: ctx.agentKey, MEMSIGHT_INTERVAL: '1', MEMSIGHT_FLUSH_INTERVAL: '1', MEMSIGHT_LOG_LEVEL: 'warning' };
    const children: ChildProcess[] = [
      spawn(process.execPath, ['--import', '@memsight/agent/register', '-e', 'setInterval(() => {}, 1000)'], { cwd: ctx.root, env: { ...agentEnv, MEMSIGHT_APP: `real-node-${stamp}` }, stdio: 'ignore' }),
      spawn('python3', ['-m', 'memsight', 'run', '--', 'python3', '-c', 'import time; time.sleep(120)'], { cwd: path.join(ctx.root, 'agents/python'), env: { ...agentEnv, MEMSIGHT_APP: `real-python-${stamp}` }, stdio: 'ignore' }),
    ];
    try {
      for (const app of [`real-node-${stamp}`, `real-python-${stamp}`]) {
        const page = await ctx.signedIn('/');
        await page.locator(`[data-app-link="${app}"]`).click({ timeout: 30_000 });
        await page.locator('table[data-table="instances"] tbody tr a').first().click({ timeout: 20_000 });
        await page.waitForFunction(() => Number(document.querySelector('[data-panel="memory"] .chart')?.getAttribute('data-points')) >= 2, null, { timeout: 30_000 });
        await page.locator(`[data-panel="${app.startsWith('real-node') ? 'v8-spaces' : 'gc-collections'}"] .chart canvas`).waitFor({ timeout: 10_000 });
        await page.close();
      }
    } finally {
      for (const c of children) c.kill('SIGTERM');
    }
  });

  test("a Python instance's page shows its pymalloc and GC charts, allocation sites with tracebacks, and object types", async () => {
    const batch = rebaseBatch(readGolden('valid', 'python-batch'), Date.now());
    batch.instance.id = `browser-py-${Date.now()}`;
    const res = await fetch(`${ctx.ingestUrl}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.apiKey}` },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 200);
    const page = await ctx.signedIn('/');
    await page.locator('[data-app-link="checkout-api"]').click();
    await page.locator(`tr[data-instance-row="${batch.instance.id}"] a`).click();
    await page.locator('[data-panel="memory"] .chart canvas').waitFor({ timeout: 20_000 });
    const site = page.locator('[data-table="sites"] summary', { hasText: 'app/cache.py:42' });
    await site.click();
    await page.locator('[data-table="sites"] .traceback', { hasText: 'app/views.py:88' }).waitFor();
    await page.locator('[data-table="types"] td', { hasText: 'dict' }).first().waitFor();
    assert.equal(await page.locator('[data-dropped-samples="0"]').textContent(), 'droppednone', 'an agent that lost nothing: nothing alarming');
    assert.equal(await page.locator('[data-drops]').count(), 0);
    assert.deepEqual(await accessibilityProblems(page), [], 'the Python instance page has no serious accessibility violations');
    // Its next batch reports samples dropped from a full buffer: the page says so in words.
    const later = rebaseBatch(readGolden('valid', 'python-batch'), Date.now() + 60_000);
    const lossy = { ...later, instance: { ...later.instance, id: batch.instance.id, startedAt: batch.instance.startedAt }, seq: batch.seq + 1, dropped: 340 };
    const posted = await fetch(`${ctx.ingestUrl}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.apiKey}` },
      body: JSON.stringify(lossy),
    });
    assert.equal(posted.status, 200);
    await page.reload();
    await page.locator('[data-drops]').waitFor({ timeout: 20_000 });
    assert.match((await page.locator('[data-drops]').textContent()) ?? '', /Agent dropped 340 samples \(last at .+\)/);
    assert.deepEqual(await accessibilityProblems(page), [], 'the data-loss card has no serious accessibility violations');
    await page.close();
  });

  const agentId = `browser-leak-${Date.now()}`;
  const startedAt = Date.now() - 11 * 60_000;
  let serverId = '';
  let appId = '';

  test('a leak alert appears live; the leak is ranked on the overview, and its page draws the forecast, the floor trend, the deploy and the alert span', async () => {
    await call(ctx, 'POST', '/v1/ingest', leakingBatch(agentId, startedAt, 1));
    const { apps } = await call(ctx, 'GET', '/api/apps');
    appId = apps.find((a: { name: string }) => a.name === 'gateway').id;
    const { instances } = await call(ctx, 'GET', `/api/apps/${appId}/instances`);
    serverId = instances.find((i: { agentInstanceId: string }) => i.agentInstanceId === agentId).id;
    // The real alerter, with rules for this instance that need two minutes of data rather than fifteen.
    const quick = { windowSeconds: 900, minSpanSeconds: 120, warmupSeconds: 0 };
    await call(ctx, 'POST', '/api/rules', { kind: 'leak', name: 'Leak (browser test)', instanceId: serverId, forSeconds: 0, params: quick });
    await call(ctx, 'POST', '/api/rules', {
      kind: 'time-to-limit', name: 'Limit ahead (browser test)', instanceId: serverId, forSeconds: 0,
      params: { ...quick, horizonSeconds: 86400, limitBytes: LIMIT },
    });

    // The alerts page is open before the leak is found: its row must come over socket.io, with no reload.
    const alerts = await ctx.signedIn('/alerts');
    await alerts.locator('[data-live-status="live"]').waitFor({ timeout: 20_000 });
    await alerts.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
    const leakRow = alerts.locator('tr[data-kind="leak"][data-state="firing"]', { hasText: 'Leak (browser test)' });
    let seq = 2;
    for (; !(await leakRow.count()) && seq < 40; seq++) {
      await call(ctx, 'POST', '/v1/ingest', leakingBatch(agentId, startedAt, seq));
      await leakRow.waitFor({ timeout: 3_000 }).catch(() => {});
    }
    await leakRow.waitFor({ timeout: 5_000 });
    assert.equal(await alerts.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce), true, 'the leak alert arrived with no reload');
    await alerts.close();

    const page = await ctx.signedIn('/');
    const suspect = page.locator(`tr[data-suspect="${serverId}"]`);
    for (; !(await suspect.count()) && seq < 60; seq++) {
      await call(ctx, 'POST', '/v1/ingest', leakingBatch(agentId, startedAt, seq));
      await suspect.waitFor({ timeout: 3_000 }).catch(() => {});
    }
    await suspect.waitFor({ timeout: 5_000 });
    assert.match((await suspect.textContent()) ?? '', /min|h/, 'the suspect says how long until the limit');
    assert.match((await suspect.textContent()) ?? '', /400 MiB/, 'and which limit');
    await page.locator('tr[data-app="gateway"] svg[data-sparkline]').waitFor({ timeout: 10_000 });
    assert.deepEqual(await accessibilityProblems(page), [], 'the overview with a suspect has no serious accessibility violations');
    mkdirSync(path.join(ctx.root, 'artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ctx.root, 'artifacts/overview.png'), fullPage: true });

    await suspect.getByRole('link', { name: /:778$/ }).click();
    const memory = page.locator('[data-panel="memory"] .chart');
    await memory.locator('canvas').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-panel="memory"] .chart')?.getAttribute('data-alert-spans')) > 0, null, { timeout: 20_000 });
    assert.ok(Number(await memory.getAttribute('data-deploys')) >= 1, 'the new version is marked where it started');
    assert.match((await page.locator('[data-forecast]').textContent()) ?? '', /reaches the limit in about/);
    await page.locator('[data-panel="heap"] .chart canvas').waitFor({ timeout: 5_000 });
    assert.match((await page.locator('[data-panel="heap"]').textContent()) ?? '', /floor trend \(\+\d/, "the heap floor's fitted trend is in the legend");
    assert.match((await page.locator('[data-marks]').textContent()) ?? '', /deploy 1\.1\.0/, 'the marks are said in words too');
    await page.setViewportSize({ width: 1200, height: 1100 });
    await page.screenshot({ path: path.join(ctx.root, 'artifacts/leak.png') });
    // The combined chart of the app marks the deploy as well.
    await page.goto(page.url().replace(/\/instances\/.*/, `/apps/${appId}`));
    await page.locator('[data-panel="app-rss"] .chart canvas').waitFor({ timeout: 20_000 });
    assert.ok(Number(await page.locator('[data-panel="app-rss"] .chart').getAttribute('data-deploys')) >= 1);
    await page.close();
  });

  test('a custom range is checked at the field, kept in the URL, and read back on load', async () => {
    const page = await ctx.signedIn(`/instances/${serverId}`);
    await page.locator('[data-panel="memory"] .chart canvas').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'custom' }).click();
    const from = page.getByLabel('from', { exact: true });
    const to = page.getByLabel('to', { exact: true });
    // The browser runs in this process's time zone, so the field's local time is computed here.
    const local = async (ms: number) => toLocalInput(ms);
    const now = Date.now();
    await from.fill(await local(now));
    await to.fill(await local(now - 3_600_000));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('alert').filter({ hasText: 'The end must be after the start.' }).waitFor({ timeout: 5_000 });
    assert.equal(await from.getAttribute('aria-invalid'), 'true');
    await from.fill(await local(now - 30 * 60_000));
    await to.fill(await local(now + 60_000));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction(() => /[?&]from=.*&to=/.test(location.search), null, { timeout: 5_000 });
    await page.reload();
    await page.waitForFunction(() => Number(document.querySelector('[data-panel="memory"] .chart')?.getAttribute('data-points')) > 0, null, { timeout: 20_000 });
    assert.equal(await page.getByRole('button', { name: 'custom' }).getAttribute('aria-pressed'), 'true', 'the range came back from the URL');
    await page.close();
  });

  test('every page reads at phone width, with nothing wider than the screen', async () => {
    for (const path of ['/', `/apps/${appId}`, `/instances/${serverId}`, '/alerts', '/settings/rules', '/settings/keys', '/settings/notifications']) {
      const page = await ctx.signedIn(path, { width: 390, height: 844 });
      await page.locator('main h1').first().waitFor({ timeout: 20_000 });
      if (path.startsWith('/instances')) await page.locator('[data-panel="memory"] .chart canvas').waitFor({ timeout: 20_000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      // What sticks out, to say where the page breaks: elements whose right edge passes the screen's, outside a scrolling box.
      const culprits = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.parentElement?.closest('.scroll'))
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`),
      );
      assert.ok(overflow <= 1, `${path} is ${overflow}px wider than a 390px screen: ${culprits.join(', ')}`);
      await page.close();
    }
  });

  test("each page takes the API answers its document started early, so none is asked twice", async () => {
    // A page whose loader and lib/page-calls.ts drift apart leaves an early call untaken (and asks again).
    for (const path of ['/', `/apps/${appId}`, `/apps/${appId}?range=24h`, `/instances/${serverId}`, `/instances/${serverId}?range=7d`, '/alerts', '/alerts?state=firing']) {
      const page = await ctx.signedIn(path);
      const left = () => page.evaluate(() => {
        const early = (window as unknown as { __memsightEarly?: { calls: Record<string, unknown> } }).__memsightEarly;
        return early ? Object.keys(early.calls) : null;
      });
      await page.waitForFunction(() => {
        const early = (window as unknown as { __memsightEarly?: { calls: Record<string, unknown> } }).__memsightEarly;
        return early && Object.keys(early.calls).length === 0;
      }, null, { timeout: 15_000 }).catch(() => {});
      assert.deepEqual(await left(), [], `${path}: the document's early calls not taken by the page`);
      await page.close();
    }
  });
}
