// Browser cases for the settings pages: rules (created, edited and deleted,
// with errors at the field), API keys (an agent key that ingests, reads
// nothing and is refused once revoked) and email recipients. Registered by
// stack.test.ts on its one stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { accessibilityProblems } from './browser';

export interface SettingsContext {
  ingestUrl: string;
  signedIn: (path?: string, viewport?: { width: number; height: number }) => Promise<Page>;
}

export function registerSettingsCases(ctx: SettingsContext): void {
  test('rules are created, edited and deleted on the settings page, with validation errors at the field', async () => {
    const page = await ctx.signedIn('/settings/rules', { width: 1200, height: 900 });
    page.on('dialog', (d) => void d.accept());
    await page.locator('tr[data-rule="Memory leak"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Kind').selectOption('threshold');
    await page.getByLabel('Name').fill('Sockets high (browser test)');
    await page.getByLabel('metric').fill('process.no_such_metric');
    await page.getByLabel('value').fill('500');
    await page.getByRole('button', { name: 'Create rule' }).click();
    const fieldError = page.locator('[data-field-error="params.metric"]');
    await fieldError.waitFor({ timeout: 10_000 });
    assert.match((await fieldError.textContent()) ?? '', /catalogue|metric/i, 'the error names what is wrong with the metric');
    assert.equal(await page.getByLabel('metric').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await accessibilityProblems(page), [], 'the rule form with an error has no serious accessibility violations');

    await page.getByLabel('metric').fill('process.open_fds{kind=socket}');
    await page.getByRole('button', { name: 'Create rule' }).click();
    const row = page.locator('tr[data-rule="Sockets high (browser test)"]');
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /value=500/);

    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('value').fill('800');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.waitForFunction(() => document.querySelector('tr[data-rule="Sockets high (browser test)"]')?.textContent?.includes('value=800'), null, { timeout: 10_000 });

    await page.locator('tr[data-rule="Sockets high (browser test)"]').getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    await page.close();
  });

  test('an agent key made on the keys page ingests, reads nothing, and is refused once revoked there', async () => {
    const page = await ctx.signedIn('/settings/keys', { width: 1200, height: 900 });
    page.on('dialog', (d) => void d.accept());
    await page.locator('tr[data-key]').first().waitFor({ timeout: 20_000 });
    await page.getByLabel('Name').fill('browser agent');
    await page.getByLabel('Scope').selectOption('ingest');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.locator('[data-secret]').textContent({ timeout: 10_000 }))!.trim();
    assert.match(secret, /^msk_/);
    assert.ok((await page.locator('.snippet').first().textContent())!.includes(secret), 'the snippet carries the new agent key');
    assert.deepEqual(await accessibilityProblems(page), [], 'the keys page has no serious accessibility violations');

    const post = (key: string) => {
      const batch = rebaseBatch(readGolden('valid', 'node-batch'), Date.now());
      batch.instance.id = `browser-agent-key-${process.pid}`;
      return fetch(`${ctx.ingestUrl}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(batch) });
    };
    assert.equal((await post(secret)).status, 200, 'the agent key ingests');
    for (const route of ['/api/apps', '/api/alerts', '/api/rules', '/api/mailbox', '/api/keys']) {
      assert.equal((await fetch(`${ctx.ingestUrl}${route}`, { headers: { authorization: `Bearer ${secret}` } })).status, 403, `${route} refuses the agent key`);
    }

    const row = page.locator(`tr[data-key="${secret.slice(0, 12)}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.locator('.badge', { hasText: 'revoked' }).waitFor({ timeout: 10_000 });
    const refused = await post(secret);
    assert.equal(refused.status, 401, 'a revoked key is refused');
    await page.close();
  });

  test('email recipients are added on the notifications page, with a bad address refused at the field', async () => {
    const page = await ctx.signedIn('/settings/notifications');
    await page.locator('[data-channel="alerts@localhost"]').waitFor({ timeout: 20_000 });
    await page.getByLabel('Email address').fill('not-an-address');
    await page.getByRole('button', { name: 'Add recipient' }).click();
    await page.locator('[data-field-error="target"]').waitFor({ timeout: 10_000 });
    await page.getByLabel('Email address').fill('oncall@example.com');
    await page.getByRole('button', { name: 'Add recipient' }).click();
    await page.locator('[data-channel="oncall@example.com"]').waitFor({ timeout: 10_000 });
    await page.locator('#mailbox-title').waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'the notifications page has no serious accessibility violations');
    await page.close();
  });
}
