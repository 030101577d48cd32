// What the browser tests share: how Chromium is launched here, and axe-core's verdict on a page.
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Chromium as verified on this kind of machine (../shared/PLATFORM-NOTES.md): headless, no sandbox, no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

/** axe-core on the page as it stands: the serious and critical violations, named with their nodes. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

type Session = Awaited<ReturnType<BrowserContext['storageState']>>;
const sessions = new Map<string, Session>();

/**
 * Pages at a path, signed in as `who`. The first page of a dashboard signs in through the form; later
 * ones reuse that session's cookie (Better Auth rate-limits sign-in to a few attempts per 10 s).
 */
export function signedInPages(browser: Browser, dashboardUrl: string, who: { email: string; password: string }) {
  return async (path = '/', viewport = { width: 1200, height: 760 }): Promise<Page> => {
    const key = `${dashboardUrl} ${who.email}`;
    const session = sessions.get(key);
    const page = await browser.newPage({ viewport, storageState: session });
    await page.goto(new URL(path, dashboardUrl).toString());
    if (!session) {
      await page.getByLabel('Email').fill(who.email);
      await page.getByLabel('Password').fill(who.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.locator('[data-signed-in]').waitFor({ timeout: 20_000 });
    if (!session) sessions.set(key, await page.context().storageState());
    return page;
  };
}
