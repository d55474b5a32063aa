import { test, expect, Page } from '@playwright/test';
import { ADMIN, adminPage, createAdminByCli, createInvitation, invitationRow, readLink, ready, screenshot } from './helpers';

test.beforeAll(() => {
  createAdminByCli();
});

/** Presses Tab until the focused element matches `css` (and, when given, has the text `text`); fails when
 *  it cannot be reached within `max` presses. Only the keyboard moves the focus. */
async function tabTo(page: Page, css: string, text?: string, max = 120) {
  for (let i = 0; i < max; i++) {
    const here = await page.evaluate(([css, text]) => {
      const el = document.activeElement;
      return !!el && el.matches(css) && (text === '' || (el.textContent ?? '').trim() === text);
    }, [css, text ?? ''] as [string, string]);
    if (here) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${css} ${text ?? ''} cannot be reached with Tab`);
}

// Issue 16 item 3: the whole admin journey with the keyboard only: sign in, create an invitation, copy
// its link, disable it and delete it.
test('keyboard only: sign in, create, copy, disable and delete an invitation', async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  await page.goto('/login');
  await ready(page);
  await tabTo(page, '#login-username');
  await page.keyboard.type(ADMIN.username);
  await tabTo(page, '#login-password');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);

  await tabTo(page, '#create-invitation');
  await page.keyboard.press('Enter');
  await tabTo(page, '#invitation-name');
  await page.keyboard.type('keyboard-only');
  await tabTo(page, '#invitation-save');
  await page.keyboard.press('Enter');
  const row = invitationRow(page, 'keyboard-only');
  await expect(row).toBeVisible();

  await tabTo(page, 'tbody.invitation[data-name="keyboard-only"] button.expand');
  await page.keyboard.press('Enter');
  await expect(row.locator('button.expand')).toHaveAttribute('aria-expanded', 'true');
  await tabTo(page, 'tbody.invitation[data-name="keyboard-only"] button.copy');
  await page.keyboard.press('Enter');
  await expect(row.locator('[role="status"].copied-status')).toHaveText('Copied to the clipboard');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await row.locator('input.invitation-link').inputValue());

  await tabTo(page, 'tbody.invitation[data-name="keyboard-only"] button.toggle', 'Disable');
  await page.keyboard.press('Enter');
  await expect(row.locator('[data-testid="status"]')).toHaveText('disabled');
  // The list reloads after a change; open the row again if it closed.
  if ((await row.locator('button.expand').getAttribute('aria-expanded')) !== 'true') {
    await tabTo(page, 'tbody.invitation[data-name="keyboard-only"] button.expand');
    await page.keyboard.press('Enter');
  }

  await tabTo(page, 'tbody.invitation[data-name="keyboard-only"] button.danger', 'Delete');
  await page.keyboard.press('Enter');
  await tabTo(page, 'tbody.invitation[data-name="keyboard-only"] button.danger', 'Confirm delete');
  await page.keyboard.press('Enter');
  await expect(row).toHaveCount(0);
  await context.close();
});

// Issue 16 item 4: without JavaScript, signing in, disabling and deleting an invitation are plain forms and
// its link can be read and copied by hand; the page says what needs JavaScript.
test('without JavaScript: sign in, create, disable, read the link of and delete an invitation', async ({ page, browser }) => {
  await adminPage(page);
  await createInvitation(page, 'no-js-invite', '', { singleUse: false });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const p = await context.newPage();
  await p.goto('/login');
  await p.fill('#login-username', ADMIN.username);
  await p.fill('#login-password', ADMIN.password);
  await p.click('button:has-text("Sign in")');
  await expect(p).toHaveURL(/\/admin\/invitations$/);
  await expect(p.locator('.no-js-notice')).toBeVisible();
  // Create, with the plain form's essentials; a missing name is refused and said so.
  await p.locator('details.nojs-create summary').click();
  await p.click('#nojs-create');
  await expect(p.locator('#nojs-name')).toBeFocused();
  await p.fill('#nojs-name', 'made-without-js');
  await p.fill('#nojs-emails', '*@example.com');
  await p.click('#nojs-create');
  await expect(invitationRow(p, 'made-without-js')).toBeVisible();
  await screenshot(p, 'no-js-invitations.png');
  const row = invitationRow(p, 'no-js-invite');
  await expect(row.locator('[data-testid="status"]')).toHaveText('active');
  await row.locator('button.quick-toggle').click();
  await expect(p).toHaveURL(/\/admin\/invitations/);
  await expect(row.locator('[data-testid="status"]')).toHaveText('disabled');
  await expect(row.locator('button.quick-toggle')).toHaveText('Enable');
  // The link, to copy by hand, is the one the dashboard shows.
  await row.locator('details.nojs-link summary').click();
  const shown = await row.locator('details.nojs-link input').inputValue();
  expect(shown).toBe(await readLink(page, 'no-js-invite'));
  // Delete, confirmed by a second button.
  await row.locator('details.nojs-delete summary').click();
  await row.locator('details.nojs-delete button:has-text("Confirm deletion")').click();
  await expect(p).toHaveURL(/\/admin\/invitations/);
  await expect(invitationRow(p, 'no-js-invite')).toHaveCount(0);
  // The other pages say that their buttons and forms need JavaScript.
  await p.goto('/admin/users');
  await expect(p.locator('#admin-no-js-notice')).toBeVisible();
  // Hydrated, the dashboard hides what only script-less browsers need.
  await page.reload();
  await ready(page);
  await expect(page.locator('.no-js-only').first()).toBeHidden();
  await page.goto('/admin/users');
  await ready(page);
  await expect(page.locator('#admin-no-js-notice')).toBeHidden();
  await context.close();
});
