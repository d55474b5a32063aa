import { test, expect, Browser, Page } from '@playwright/test';
import * as net from 'node:net';
import {
  ADMIN, adminPage, createAdminByCli, fresh, ready, invitationRow, readLink, screenshot, signIn,
} from '../tests/helpers';
import { NOMAIL_DATABASE_URL } from '../nomail.config';

// Issue 34, "Out of the box": Usher as the default run starts it, with no SMTP server. The seed runbook's
// Mode 2 (link mode) works exactly as written; the dashboard says that mail cannot go out (a banner on every
// admin page, a warning in the invitation form before saving), an invitee who would need an emailed code is
// told so on the landing page, and System → Email reports the state and a failed test. In order: the last
// test saves an SMTP server, after which none of the "not configured" notices apply.
test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  createAdminByCli(NOMAIL_DATABASE_URL);
});

const FLOW = 'invitation-enrollment-flow-external';



/** Waits for the invitation form's server check of what it would need from a mail server (computed as the
 *  fields change) for a request whose body contains `marker`, and returns its answer. */
function mailCheck(page: Page, marker: string): Promise<any> {
  return page.waitForResponse(r =>
    r.url().endsWith('/api/admin/invitations/mail_warning') && (r.request().postData() ?? '').includes(marker),
  ).then(r => r.json());
}

/** Opens Directory → Invitations → Create and fills name, flow and single use. */
async function openForm(page: Page, name: string) {
  await page.click('nav.sidebar a:has-text("Invitations")');
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await page.click('#create-invitation');
  await expect(page.locator('#invitation-form')).toBeVisible();
  await page.fill('#invitation-name', name);
  await page.selectOption('#invitation-flow', { label: FLOW });
  await page.check('#invitation-single-use');
}

async function save(page: Page, name: string) {
  await page.click('#invitation-save');
  await expect(page.locator('#invitation-form')).toHaveCount(0);
  await expect(invitationRow(page, name)).toBeVisible();
}

/** A local TCP port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

test('every admin page says that no SMTP server is configured, with links to the outbox and the settings', async ({ page }) => {
  await adminPage(page);
  const banner = page.locator('#mail-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveClass(/\bbanner\b/);
  await expect(banner).toHaveClass(/\bwarning\b/);
  await expect(banner).toContainText('No SMTP server is configured');
  await expect(banner).toContainText('0 messages wait in the outbox.');
  await expect(banner.locator('a[href="/admin/outbox"]')).toHaveText('Open the outbox');
  await expect(banner.locator('a[href="/admin/email"]')).toHaveText('Email settings');
  await screenshot(page, 'nomail-banner.png');
  // Another admin page shows it too.
  await page.click('nav.sidebar a:has-text("Users")');
  await expect(page.locator('h1')).toHaveText('Users');
  await expect(page.locator('#mail-banner')).toContainText('No SMTP server is configured');
});

test('runbook Mode 2: a link-mode invitation enrolls Jane without any mail, then is invalid', async ({ page, browser }) => {
  await adminPage(page);
  // Directory → Invitations → Create: jane-smith-link, Invitation Enrollment, single use, expires in 48 hours,
  // custom attributes `name: Jane Smith` only.
  await openForm(page, 'jane-smith-link');
  const expires = new Date(Date.now() + 48 * 3600_000).toISOString().slice(0, 16);
  await page.fill('#invitation-expires', expires);
  const checked = mailCheck(page, 'Jane Smith');
  await page.fill('#invitation-fixed-data', 'name: Jane Smith\n');
  // Nothing of it needs mail: the server's answer, and no warning in the form.
  expect(await checked).toMatchObject({ sends_invitation: false, needs_code: false });
  await expect(page.locator('#invitation-mail-warning')).toHaveCount(0);
  await save(page, 'jane-smith-link');
  const row = invitationRow(page, 'jane-smith-link');
  await expect(row.getByTestId('status')).toHaveText('active');
  await expect(row.getByTestId('uses')).toHaveText('0 / 1');

  // Expand the row, copy the link.
  const link = await readLink(page, 'jane-smith-link');
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/if\/flow\/invitation-enrollment-flow-external\/\?itoken=[0-9a-f-]{36}$/);
  // Nothing was queued for sending.
  await page.reload();
  await ready(page);
  await expect(page.locator('#mail-banner')).toContainText('0 messages wait in the outbox.');

  // Shared by hand: Jane opens it in her own browser.
  const jane = await fresh(browser);
  const res = await jane.page.goto(link);
  expect(res?.status()).toBe(200);
  await ready(jane.page);
  await expect(jane.page.locator('#field-name')).toHaveValue('Jane Smith');
  await expect(jane.page.locator('#mail-unavailable')).toHaveCount(0);
  await expect(jane.page.locator('#verify-note')).toHaveCount(0);
  // One page, no code step.
  await expect(jane.page.locator('.step')).toHaveCount(0);
  await expect(jane.page.locator('#submit-stage')).toHaveText('Create account');
  await jane.page.fill('#field-username', 'jane');
  await jane.page.fill('#field-email', 'jane@example.com');
  await jane.page.fill('#field-password', 'jane-password-1');
  await jane.page.fill('#field-password_repeat', 'jane-password-1');
  await jane.page.click('#submit-stage');

  // Signed in, on her profile.
  await expect(jane.page).toHaveURL(/\/$/);
  await expect(jane.page.getByTestId('profile-username')).toHaveText('jane');
  await expect(jane.page.getByTestId('profile-name')).toHaveText('Jane Smith');
  await expect(jane.page.getByTestId('profile-email')).toHaveText('jane@example.com');
  await expect(jane.page.getByTestId('profile-type')).toHaveText('external');
  await expect(jane.page.locator('#mail-unavailable')).toHaveCount(0);
  await screenshot(jane.page, 'nomail-signed-in.png');

  // Single use: the link is now invalid.
  const again = await jane.page.goto(link);
  expect(again?.status()).toBe(410);
  await expect(jane.page.locator('h1')).toHaveText('Invalid invite/invite not found');
  await expect(jane.page.locator('.reason')).toHaveText('This invitation has already been used.');
  await expect(jane.page.locator('#mail-unavailable')).toHaveCount(0);
  await jane.context.close();

  await page.reload();
  await ready(page);
  await expect(row.getByTestId('status')).toHaveText('used up');
  await expect(row.getByTestId('uses')).toHaveText('1 / 1');
});

test('an email-limited invitation is flagged in the form before saving, and its landing page says no code can come', async ({ page, browser }) => {
  await adminPage(page);
  await openForm(page, 'company-staff');
  await page.uncheck('#invitation-single-use');
  await page.fill('#invitation-emails', '*@company.com');
  const warning = page.locator('#invitation-mail-warning');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('No SMTP server is configured');
  await expect(warning).toContainText('emailed code');
  await expect(warning).not.toContainText('will wait in the outbox');
  // The warning follows the field: gone without the rule, back with it.
  await page.fill('#invitation-emails', '');
  await expect(warning).toHaveCount(0);
  await page.fill('#invitation-emails', '*@company.com');
  await expect(warning).toContainText('emailed code');
  await save(page, 'company-staff');

  const v = await fresh(browser);
  const res = await v.page.goto(await readLink(page, 'company-staff'));
  expect(res?.status()).toBe(200);
  await ready(v.page);
  const note = v.page.locator('#mail-unavailable');
  await expect(note).toBeVisible();
  await expect(note).toContainText('cannot send email at the moment');
  await expect(note).toContainText('Contact the person who invited you');
  await v.context.close();
});

test('custom attributes with `email` are flagged in the form before saving: the message will wait in the outbox', async ({ page }) => {
  await adminPage(page);
  await openForm(page, 'jane-mailed');
  await page.fill('#invitation-fixed-data', 'name: Jane Smith\nemail: jane@example.org\n');
  const warning = page.locator('#invitation-mail-warning');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('No SMTP server is configured');
  await expect(warning).toContainText('will wait in the outbox');
  await expect(warning).not.toContainText('emailed code');
  await save(page, 'jane-mailed');
  // It waits there; the banner counts it.
  await page.reload();
  await ready(page);
  await expect(page.locator('#mail-banner')).toContainText('1 message waits in the outbox.');
});

test('System → Email shows no SMTP server; a saved server that refuses connections fails the test email', async ({ page }) => {
  await adminPage(page);
  await page.click('nav.sidebar a:has-text("Email")');
  await expect(page).toHaveURL(/\/admin\/email$/);
  await expect(page.locator('h1')).toHaveText('Email');
  await ready(page);
  await expect(page.locator('#email-effective-url')).toContainText('none');
  await expect(page.locator('#email-connection')).toContainText(/no SMTP server is configured/i);

  const port = await closedPort();
  const url = `smtp://127.0.0.1:${port}`;
  await expect(page.locator('#email-smtp-url')).toBeVisible();
  await page.fill('#email-smtp-url', url);
  await expect(page.locator('#email-smtp-url')).toHaveValue(url);
  await page.click('#email-save');
  await expect(page.locator('#email-saved')).toHaveText('Saved.');
  await expect(page.locator('#email-effective-url')).toContainText(url);
  await expect(page.locator('#email-connection')).toContainText('failed');

  await page.fill('#email-test-to', ADMIN.email);
  await page.click('#email-test-send');
  await expect(page.locator('#email-test-result')).toContainText(/refused/i);

  // Configured now, but the last delivery failed: the banner says so instead.
  await page.reload();
  await ready(page);
  await expect(page.locator('#mail-banner')).toContainText('The last email delivery failed');
  await expect(page.locator('#mail-banner')).not.toContainText('No SMTP server is configured');
});
