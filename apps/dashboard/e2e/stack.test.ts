// The whole stack as a user meets it: the real `npm start` launcher, golden
// batches posted with the keys it printed, and the dashboard in a real
// Chromium: sign-in, instances and their charts updated live through socket.io
// behind the dashboard's proxy, alerts, rules and keys; then the cases of
// signals-cases.ts (leaks, forecasts, marks, ranges, phones, Python pages) and
// members-cases.ts (people), on the same stack. Takes the README's screenshots.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { accessibilityProblems, CHROMIUM_ARGS, signedInPages } from './browser';
import { registerMembersCases } from './members-cases';
import { registerSettingsCases } from './settings-cases';
import { registerSignalCases } from './signals-cases';
import { startStack, stopStack } from './stack';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { CHROMIUM, skipUnless } from '../../../scripts/lib/system-packages';
import { SECURITY_HEADERS } from '../lib/security-headers';

const root = path.resolve(import.meta.dirname, '../../..');
describe('npm start (embedded PostgreSQL) → agent batch → dashboard in a browser', { skip: skipUnless([CHROMIUM]) }, () => {
  let stack: ChildProcess;
  let stdout: string;
  let browser: Browser;
  let dashboardUrl: string;
  let admin: { email: string; password: string };
  let ingestUrl: string;
  let apiKey: string;
  let pgPortInUse: number;

  before(async () => {
    ({ stack, stdout, dashboardUrl, admin, ingestUrl, apiKey, pgPort: pgPortInUse } = await startStack(root));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await stopStack(stack);
  });

  // Unique per run: with DATABASE_URL set, the default project outlives the test.
  const instanceId = `browser-node-${Date.now()}`;
  const postBatch = async (nowMs: number, seq: number) => {
    const batch = rebaseBatch(readGolden('valid', 'node-batch'), nowMs);
    batch.instance.id = instanceId;
    batch.seq = seq;
    const res = await fetch(`${ingestUrl}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 200);
  };

  const signedIn = (path?: string, viewport?: { width: number; height: number }) => signedInPages(browser, dashboardUrl, admin)(path, viewport);

  test('sign-in refuses a wrong password, lets the admin in, and sign-out ends the session', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    await page.goto(dashboardUrl);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor({ timeout: 10_000 });
    assert.deepEqual(await accessibilityProblems(page), [], 'the sign-in page has no serious accessibility violations');
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-signed-in]', { hasText: admin.email }).waitFor({ timeout: 20_000 });
    // The API answers the cookie through the dashboard's origin; without it, a 401.
    assert.equal(await page.evaluate(async () => (await fetch('/api/apps')).status), 200);
    assert.equal((await fetch(new URL('/api/apps', dashboardUrl))).status, 401);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.evaluate(async () => (await fetch('/api/apps')).status), 401, 'signed out, the API refuses');
    await page.close();
  });

  test('the dashboard answers with its security headers, and its pages run under them', async () => {
    for (const path of ['/', '/api/auth/get-session']) {
      const res = await fetch(new URL(path, dashboardUrl));
      for (const { key, value } of SECURITY_HEADERS) assert.equal(res.headers.get(key), value, `${path}: ${key}`);
    }
    const page = await signedIn('/');
    const refused: string[] = [];
    page.on('console', (m) => void (/Content.Security.Policy/i.test(m.text()) && refused.push(m.text())));
    await page.goto(dashboardUrl);
    await page.locator('[data-signed-in]').waitFor({ timeout: 20_000 });
    assert.deepEqual(refused, [], 'nothing on the page is refused by its policy');
    await page.close();
  });

  test('the probes: /livez answers, /readyz reaches the database; neither is cached', async () => {
    for (const path of ['/livez', '/readyz']) {
      const res = await fetch(new URL(path, dashboardUrl));
      assert.equal(res.status, 200, path);
      assert.deepEqual(await res.json(), { status: 'ok' }, path);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
    }
  });

  test('the banner carries the dashboard URL, an admin key, and an agent key in the agent snippets', () => {
    assert.match(dashboardUrl, /^http:\/\/127\.0\.0\.1:\d+$/, 'no key rides in the dashboard URL');
    assert.match(admin.email, /@/);
    assert.ok(admin.password.length >= 10, 'a generated first-admin password');
    const agentKey = /Agent key:\s+(\S+)/.exec(stdout)![1]!;
    assert.notEqual(agentKey, apiKey);
    assert.ok(stdout.includes(`MEMSIGHT_API_KEY=${agentKey} MEMSIGHT_APP=`), 'the snippets use the agent key');
  });

  test('a posted batch shows up as an instance with a chart that updates live', async () => {
    await postBatch(Date.now() - 60_000, 1);
    const page = await signedIn('/');
    await page.locator('[data-app-link="gateway"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await accessibilityProblems(page), [], 'the apps page has no serious accessibility violations');
    await page.locator('[data-app-link="gateway"]').click();
    await page.locator(`tr[data-instance-row="${instanceId}"] a`).click();
    const memory = page.locator('[data-panel="memory"] .chart');
    await memory.locator('canvas').waitFor({ timeout: 20_000 });
    assert.equal(await memory.getAttribute('data-points'), '6');
    // Every signal the golden batch carries has its chart.
    for (const panel of ['heap', 'breakdown', 'v8-spaces', 'gc-pauses', 'gc-state', 'event-loop']) {
      await page.locator(`[data-panel="${panel}"] .chart canvas`).waitFor({ timeout: 5_000 });
    }
    // This agent sent no allocation sites: the page says how to turn them on.
    await page.locator('[data-table="sites"]', { hasText: 'MEMSIGHT_HEAP_SAMPLING' }).waitFor();
    await page.locator('[data-live-status="live"]').waitFor({ timeout: 20_000 });

    await postBatch(Date.now(), 2); // the next minute, pushed over socket.io
    await page.waitForFunction(() => document.querySelector('[data-panel="memory"] .chart')?.getAttribute('data-points') === '12', null, { timeout: 20_000 });
    // A chart's range exports as CSV: a time column, then its metrics, a row per sample time.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-panel="memory"] [data-export-csv]').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    assert.ok(csv[0]!.startsWith('time,') && csv[0]!.includes('process.memory.rss') && csv.length - 1 >= 12, csv.slice(0, 3).join(' | '));
    mkdirSync(path.join(root, 'artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'artifacts/dashboard.png') });
    assert.deepEqual(await accessibilityProblems(page), [], 'the instance page has no serious accessibility violations');
    // A longer range comes downsampled by the server, and lives in the URL.
    await page.getByRole('button', { name: '6h', exact: true }).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-panel="memory"] .chart')?.getAttribute('data-points')) > 0 && location.search === '?range=6h', null, { timeout: 20_000 });
    await page.close();
  });

  test("an app's page lists its instances with their figures, sortable, and charts their RSS", async () => {
    const page = await signedIn('/');
    await page.locator('[data-app-link="gateway"]').click();
    const row = page.locator(`tr[data-instance-row="${instanceId}"]`);
    await row.waitFor({ timeout: 20_000 });
    assert.match((await row.textContent()) ?? '', /MiB/, 'the newest RSS is shown');
    await page.locator('[data-panel="app-rss"] .chart canvas').waitFor({ timeout: 10_000 });
    const rssHeader = page.locator('[data-table="instances"] th', { hasText: 'RSS' });
    assert.equal(await rssHeader.getAttribute('aria-sort'), 'descending');
    await rssHeader.getByRole('button').click();
    assert.equal(await rssHeader.getAttribute('aria-sort'), 'ascending');
    // Its version's first report is a deploy: the release comparison names it, with a row per figure.
    await page.locator('[data-releases] [data-table="releases"] [data-release-row]').first().waitFor({ timeout: 10_000 });
    assert.match((await page.locator('#releases-title').textContent()) ?? '', /→ \d+\.\d+\.\d+/);
    assert.deepEqual(await accessibilityProblems(page), [], 'the app page has no serious accessibility violations');
    await page.close();
  });

  test('an alert appears live on the alerts page, and is acknowledged and silenced there', async () => {
    const api = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${ingestUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await res.json();
      assert.ok(res.ok, `${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const page = await signedIn('/alerts');
    await page.locator('[data-live-status="live"]').waitFor({ timeout: 20_000 });
    await page.getByText('No alerts yet').waitFor({ timeout: 20_000 });
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));

    const { apps } = await api('GET', '/api/apps');
    const app = apps.find((a: { name: string }) => a.name === 'gateway');
    const { instances } = await api('GET', `/api/apps/${app.id}/instances`);
    const serverId = instances.find((i: { agentInstanceId: string }) => i.agentInstanceId === instanceId).id;
    await api('POST', '/api/rules', { kind: 'threshold', name: 'RSS above 1 MB (browser test)', instanceId: serverId, forSeconds: 0, params: { metric: 'process.memory.rss', op: '>=', value: 1e6 } });
    // The alerter learns of the rule through a NOTIFY; batches keep coming, as an agent's would, until it fires.
    const row = page.locator('tr[data-kind="threshold"][data-state="firing"]');
    for (let seq = 3; !(await row.count()) && seq < 30; seq++) {
      await postBatch(Date.now(), seq);
      await row.waitFor({ timeout: 2_000 }).catch(() => {});
    }
    await row.waitFor({ timeout: 5_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce), true, 'the alert arrived with no reload');
    await row.getByText('RSS above 1 MB (browser test)').waitFor();

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.locator('.badge.ack').waitFor({ timeout: 10_000 });
    await row.getByRole('button', { name: 'Silence 1 h' }).click();
    await row.locator('.badge.silenced').waitFor({ timeout: 10_000 });
    const { silences } = await api('GET', '/api/silences');
    assert.ok(silences.some((x: { matchers: { instanceId?: string; kind?: string } }) => x.matchers.instanceId === serverId && x.matchers.kind === 'threshold'), 'the silence exists');

    await row.getByRole('button', { name: 'Evidence' }).click();
    await page.locator('[data-alert-detail]').getByText('Next step:').waitFor({ timeout: 10_000 });
    await page.locator('[data-alert-detail] .history li').first().waitFor();
    // Filters narrow the list and live in the URL.
    await page.getByRole('button', { name: 'resolved', exact: true }).click();
    await page.getByText('No alerts match these filters').waitFor({ timeout: 10_000 });
    assert.match(page.url(), /[?&]state=resolved/);
    await page.getByRole('button', { name: 'resolved', exact: true }).click();
    await row.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(root, 'artifacts/alerts.png') });
    assert.deepEqual(await accessibilityProblems(page), [], 'the alerts page has no serious accessibility violations');
    // The overview shows it under "Firing now", linked to the instance.
    await page.goto(new URL('/', dashboardUrl).toString());
    const firing = page.locator('[data-firing-now] li[data-alert]').filter({ hasText: 'process.memory.rss' });
    await firing.waitFor({ timeout: 20_000 });
    assert.equal(await firing.locator('a').getAttribute('href'), `/instances/${serverId}`);
    assert.deepEqual(await accessibilityProblems(page), [], 'the overview with an alert has no serious accessibility violations');
    await page.close();
  });

  registerSettingsCases({
    get ingestUrl() { return ingestUrl; },
    signedIn: (p, viewport) => signedIn(p, viewport),
  });

  registerSignalCases({
    root,
    get ingestUrl() { return ingestUrl; },
    get apiKey() { return apiKey; },
    get agentKey() { return /Agent key:\s+(\S+)/.exec(stdout)![1]!; },
    signedIn: (p, viewport) => signedIn(p, viewport),
  });

  registerMembersCases({
    get adminEmail() { return admin.email; },
    signedIn: (p) => signedIn(p),
    signedInAs: (who, p) => signedInPages(browser, dashboardUrl, who)(p),
  });

  test('Ctrl-C stops the whole stack cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    stack.kill('SIGINT');
    assert.equal(await exited, 0);
    await assert.rejects(fetch(dashboardUrl), 'the dashboard is down');
    await assert.rejects(fetch(`${ingestUrl}/livez`), 'ingest is down');
    await assert.rejects(
      new Promise((resolve, reject) => {
        const socket = connect(pgPortInUse, '127.0.0.1', () => resolve(socket.end()));
        socket.on('error', reject);
      }),
      'the embedded PostgreSQL is down',
    );
  });
});
