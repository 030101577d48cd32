// Browser case for people: an admin adds someone on the members page (errors
// at the field first), the project keeps an admin, and the new member signs in
// and can read but not change. Registered by stack.test.ts on its one stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { accessibilityProblems } from './browser';

export interface MembersContext {
  adminEmail: string;
  signedIn: (path?: string) => Promise<Page>;
  /** A page signed in as someone else, through the sign-in form. */
  signedInAs: (who: { email: string; password: string }, path?: string) => Promise<Page>;
}

export function registerMembersCases(ctx: MembersContext): void {
  test('an admin adds a member with errors shown at the field; the last admin stays; the member reads but cannot change', async () => {
    const page = await ctx.signedIn('/settings/members');
    page.on('dialog', (d) => void d.accept());
    await page.locator(`tr[data-member="${ctx.adminEmail}"]`).waitFor({ timeout: 20_000 });
    const person = { email: `member-${Date.now()}@example.com`, password: 'a long enough password' };
    await page.getByLabel('Email').fill(person.email);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.locator('[data-field-error="password"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByLabel('Initial password').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Initial password').fill('short');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.locator('[data-field-error="password"]', { hasText: /10|characters|fewer/ }).waitFor({ timeout: 10_000 });
    assert.deepEqual(await accessibilityProblems(page), [], 'the members page with an error has no serious accessibility violations');
    await page.getByLabel('Initial password').fill(person.password);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.locator(`tr[data-member="${person.email}"]`).waitFor({ timeout: 10_000 });
    assert.match((await page.locator('[data-members-status]').textContent()) ?? '', /Created/);

    // The only admin cannot make themself a member: the project would have no one to manage it.
    await page.locator(`select[data-member-role="${ctx.adminEmail}"]`).selectOption('member');
    await page.locator(`[data-row-error="${ctx.adminEmail}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator(`select[data-member-role="${ctx.adminEmail}"]`).inputValue(), 'admin');
    await page.close();

    const member = await ctx.signedInAs(person, '/settings/members');
    await member.locator('[data-readonly-note]').waitFor({ timeout: 20_000 });
    assert.equal(await member.getByRole('button', { name: 'Add member' }).count(), 0, 'a member has no add form');
    assert.ok(await member.locator(`select[data-member-role="${person.email}"]`).isDisabled());
    // Reading works: the overview lists the project's apps.
    await member.goto(member.url().replace('/settings/members', '/'));
    await member.locator('[data-app-link="gateway"]').waitFor({ timeout: 20_000 });
    await member.close();
  });
}
