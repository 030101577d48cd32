// The whole stack as a user meets it: the real `npm start` launcher, a golden
// batch posted with the key it printed, and the dashboard in a real Chromium
// showing the instance with its chart, updated live through socket.io behind
// the dashboard's proxy. Also takes the README's screenshot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { freePort } from '../../../scripts/lib/free-port';
import { CHROMIUM, skipUnless } from '../../../scripts/lib/system-packages';

const root = path.resolve(import.meta.dirname, '../../..');
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

describe('npm start (embedded PostgreSQL) → agent batch → dashboard in a browser', { skip: skipUnless([CHROMIUM]) }, () => {
  let stack: ChildProcess;
  let stdout = '';
  let stderr = '';
  let browser: Browser;
  let dashboardUrl: string;
  let ingestUrl: string;
  let apiKey: string;
  let pgPortInUse: number;

  before(async () => {
    const [ingestPort, alerterPort, dashboardPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // No DATABASE_URL: the launcher starts its own embedded PostgreSQL, as on a fresh machine.
    const { DATABASE_URL: _unused, ...env } = process.env;
    stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      env: {
        ...env,
        MEMSIGHT_DATA_DIR: path.join(mkdtempSync(path.join(tmpdir(), 'memsight-stack-')), 'not-yet-created'),
        MEMSIGHT_EMBEDDED_PG_PORT: String(pgPort),
        INGEST_PORT: String(ingestPort),
        ALERTER_PORT: String(alerterPort),
        DASHBOARD_PORT: String(dashboardPort),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    stack.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const deadline = Date.now() + 120_000;
    while (!stdout.includes('Press Ctrl-C') && Date.now() < deadline && stack.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(stdout, /Press Ctrl-C/, `the launcher printed its banner; its log:\n${stderr.slice(-4000)}`);
    dashboardUrl = /Dashboard:\s+(\S+)/.exec(stdout)![1]!;
    ingestUrl = /Ingest:\s+(\S+)\/v1\/ingest/.exec(stdout)![1]!;
    apiKey = /API key:\s+(\S+)/.exec(stdout)![1]!;
    pgPortInUse = pgPort;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    if (!stack || stack.exitCode !== null) return;
    // Ctrl-C first, so the launcher stops its children (PostgreSQL included):
    // a SIGKILL alone would orphan them when an earlier step failed.
    const exited = new Promise((resolve) => stack.once('exit', resolve));
    stack.kill('SIGINT');
    const timer = setTimeout(() => stack.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
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

  test('the banner carries the dashboard URL, an API key and an agent snippet', () => {
    assert.match(dashboardUrl, /^http:\/\/127\.0\.0\.1:\d+\/#key=msk_/);
    assert.match(stdout, /MEMSIGHT_API_KEY=msk_\S+ MEMSIGHT_APP=/);
  });

  test('a posted batch shows up as an instance with a chart that updates live', async () => {
    await postBatch(Date.now() - 60_000, 1);
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    await page.goto(dashboardUrl);
    await page.locator(`a[data-instance="${instanceId}"]`).click();
    await page.locator('.chart canvas').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.chart').getAttribute('data-points'), '6');
    await page.locator('[data-live-status="live"]').waitFor({ timeout: 20_000 });

    await postBatch(Date.now(), 2); // the next minute, pushed over socket.io
    await page.waitForFunction(() => document.querySelector('.chart')?.getAttribute('data-points') === '12', null, { timeout: 20_000 });
    mkdirSync(path.join(root, 'artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'artifacts/dashboard.png') });
    await page.close();
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
