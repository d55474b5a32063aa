import { test, expect, Browser } from '@playwright/test';
import {
  ADMIN, createAdminByCli, createInvitation, ready, invitationRow, readLink, screenshot, signIn,
} from './helpers';

// One story, in order: the admin manages invitations, then journey 1 of DESIGN.md (link mode).
test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  createAdminByCli();
});

test('anonymous visitors of the dashboard are sent to sign in', async ({ page }) => {
  await page.goto('/admin/invitations');
  await expect(page).toHaveURL(/\/login\?next=\/admin\/invitations$/);
});

test('a wrong password shows an error', async ({ page }) => {
  await signIn(page, ADMIN.username, 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('Invalid username or password.');
  await expect(page).toHaveURL(/\/login/);
});

test('admin creates, sees, expands, disables, enables, edits and deletes invitations', async ({ page }) => {
  // The pages' Content-Security-Policy (nonce scripts, no inline handlers or styles) blocks nothing of
  // Usher's own.
  const violations: string[] = [];
  page.on('console', msg => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await expect(page.getByTestId('admin-username')).toHaveText('admin');
  await ready(page);

  // Create with YAML custom attributes; a bad YAML first names its line and saves nothing.
  await page.click('#create-invitation');
  await page.fill('#invitation-name', 'yaml-test');
  await page.fill('#invitation-fixed-data', 'name: Jane\nemail: [unclosed\n');
  await page.click('#invitation-save');
  await expect(page.locator('.field-error[data-field="fixed_data"]')).toContainText('line');
  await page.fill('#invitation-name', 'bad name');
  await page.fill('#invitation-fixed-data', 'name: Jane Smith\n');
  await page.click('#invitation-save');
  await expect(page.locator('.field-error[data-field="name"]')).toContainText('slug');
  await page.click('button:has-text("Cancel")');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  await expect(invitationRow(page, 'yaml-test')).toHaveCount(0);

  // "Never" shows a warning.
  await page.click('#create-invitation');
  await page.check('#invitation-never');
  await expect(page.locator('.warning')).toContainText('never expires');
  await page.click('button:has-text("Cancel")');

  await createInvitation(page, 'yaml-test', 'name: Jane Smith\ndepartment: Sales\n');
  const row = invitationRow(page, 'yaml-test');
  await expect(row.getByTestId('status')).toHaveText('active');
  await expect(row.getByTestId('uses')).toHaveText('0 / 1');
  await expect(row.locator('tr.summary')).toContainText('UTC');

  const link = await readLink(page, 'yaml-test');
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/if\/flow\/invitation-enrollment-flow-external\/\?itoken=[0-9a-f-]{36}$/);
  await expect(row.locator('tr.details')).toContainText('"department": "Sales"');

  // Copy writes the link to the clipboard (a hydrated handler: the CSP allows no inline one).
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await row.locator('button.copy').click();
  await expect(row.locator('button.copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  // Disable and re-enable.
  await row.locator('button.toggle').click();
  await expect(row.getByTestId('status')).toHaveText('disabled');
  await readLink(page, 'yaml-test');
  await row.locator('button.toggle').click();
  await expect(row.getByTestId('status')).toHaveText('active');

  // Edit: new description, quota 3 instead of single use.
  await readLink(page, 'yaml-test');
  await row.locator('button:has-text("Edit")').click();
  await expect(page.locator('#invitation-name')).toHaveValue('yaml-test');
  await page.fill('#invitation-description', 'edited in the browser');
  await page.uncheck('#invitation-single-use');
  await page.fill('#invitation-quota', '3');
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  await expect(row.getByTestId('uses')).toHaveText('0 / 3');
  await readLink(page, 'yaml-test');
  await expect(row.locator('tr.details')).toContainText('edited in the browser');

  // Regenerate the link: the old one stops working.
  await row.locator('button:has-text("Regenerate link")').click();
  await expect(row.locator('input.invitation-link')).not.toHaveValue(link);
  expect(await readLink(page, 'yaml-test')).not.toBe(link);
  const old = await page.context().newPage();
  const res = await old.goto(link);
  expect(res?.status()).toBe(404);
  await expect(old.locator('h1')).toHaveText('Invalid invite/invite not found');
  await old.close();

  await screenshot(page, 'invitations.png');
  expect(violations).toEqual([]);

  // Delete with confirmation.
  await readLink(page, 'yaml-test');
  await row.locator('button:has-text("Delete")').first().click();
  await row.locator('button:has-text("Confirm delete")').click();
  await expect(invitationRow(page, 'yaml-test')).toHaveCount(0);
});

async function freshPage(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test('journey 1: a single-use link enrolls Jane with her name pre-filled, then is invalid', async ({ page, browser }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await ready(page);
  await createInvitation(page, 'jane-smith-2026-02', 'name: Jane Smith\n');
  const link = await readLink(page, 'jane-smith-2026-02');

  // A fresh browser: no session, no cookies.
  const jane = await freshPage(browser);
  const res = await jane.page.goto(link);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['referrer-policy']).toBe('same-origin');
  await ready(jane.page);
  await expect(jane.page.locator('#field-name')).toHaveValue('Jane Smith');
  await expect(jane.page.locator('.invitation-summary')).toContainText('Invited by');
  await screenshot(jane.page, 'enrollment.png');
  await jane.page.fill('#field-username', 'jane');
  await jane.page.fill('#field-email', 'jane.smith@company.com');
  await jane.page.fill('#field-password', 'jane-password-1');
  await jane.page.fill('#field-password_repeat', 'jane-password-1');
  // The built-in flow is authentik's example (invitation → prompt → user write → user login) and the link has
  // no email rules: this page is the only one, no "Step x of y", no code page (issue 34).
  await expect(jane.page.locator('.step')).toHaveCount(0);
  await expect(jane.page.locator('#submit-stage')).toHaveText('Create account');
  await jane.page.click('#submit-stage');

  // Signed in, landed on her profile with the external flow's path.
  await expect(jane.page).toHaveURL(/\/$/);
  await expect(jane.page.getByTestId('profile-username')).toHaveText('jane');
  await expect(jane.page.getByTestId('profile-name')).toHaveText('Jane Smith');
  await expect(jane.page.getByTestId('profile-type')).toHaveText('external');
  await expect(jane.page.getByTestId('profile-path')).toHaveText('users/external');

  // The same link is now invalid.
  const again = await jane.page.goto(link);
  expect(again?.status()).toBe(410);
  await expect(jane.page.locator('h1')).toHaveText('Invalid invite/invite not found');
  await expect(jane.page.locator('.reason')).toHaveText('This invitation has already been used.');

  // Jane is no admin: 403.
  const admin = await jane.page.goto('/admin/invitations');
  expect(admin?.status()).toBe(403);
  await expect(jane.page.locator('h1')).toContainText('403');
  await jane.context.close();

  // The admin sees it used up.
  await page.reload();
  await ready(page);
  await expect(invitationRow(page, 'jane-smith-2026-02').getByTestId('status')).toHaveText('used up');
  await expect(invitationRow(page, 'jane-smith-2026-02').getByTestId('uses')).toHaveText('1 / 1');
});

test('groups and roles are listed, created and deleted', async ({ page }) => {
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await page.click('nav.sidebar a:has-text("Groups")');
  await expect(page.locator('h1')).toHaveText('Groups');
  await ready(page);
  await page.fill('#directory-name', 'support-team');
  await page.click('button:has-text("Create group")');
  const grow = page.locator('tr[data-name="support-team"]');
  await expect(grow).toBeVisible();
  await page.click('nav.sidebar a:has-text("Roles")');
  await expect(page.locator('h1')).toHaveText('Roles');
  await page.fill('#directory-name', 'viewer');
  await page.click('button:has-text("Create role")');
  await expect(page.locator('tr[data-name="viewer"]')).toBeVisible();
  // The invitation form offers them.
  await page.click('nav.sidebar a:has-text("Invitations")');
  await page.click('#create-invitation');
  await expect(page.locator('#role-viewer')).toBeVisible();
  await expect(page.locator('#group-support-team')).toBeVisible();
  await page.click('button:has-text("Cancel")');
  // Delete the role with confirmation.
  await page.click('nav.sidebar a:has-text("Roles")');
  const rrow = page.locator('tr[data-name="viewer"]');
  await rrow.locator('button:has-text("Delete")').click();
  await rrow.locator('button:has-text("Confirm delete")').click();
  await expect(page.locator('tr[data-name="viewer"]')).toHaveCount(0);
});
